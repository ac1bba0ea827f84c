-- The alert list's default sort (newest first), so that a page of alerts is read from the index at any depth
-- (scripts/api-bench.sh, 100,000 devices: the alerts page took 59 ms, sorting every alert of the project).
-- The expression is the one KeysetList orders by for the createdAt key.
create index alert_created_sort on alert (project_id, coalesce(created_at, '-infinity'::timestamptz), id);
