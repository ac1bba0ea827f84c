-- Indexes for the API's keyset-paged lists (issue 5), so that a page costs the same at any depth on 100,000 assets and
-- millions of findings: assets by name (the default sort), findings of a state by id (the default sort, newest first).
-- The second replaces the (project_id, state) index, which it covers.
create index asset_name_sort on asset (project_id, lower(name), id);
create index finding_state_id on finding (project_id, state, id);
drop index finding_project_state;
