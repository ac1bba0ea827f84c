-- A software version as the numbers in it, for comparing versions in order ("1.10" after "1.9"): used by the asset
-- list's software filter with a version range. Text between the numbers is ignored.
create function rampart_version_key(v text) returns numeric[]
    language sql immutable parallel safe
as $$
    select coalesce(array_agg(m[1]::numeric order by n), '{}')
      from regexp_matches(coalesce(v, ''), '(\d+)', 'g') with ordinality as t(m, n)
$$;
