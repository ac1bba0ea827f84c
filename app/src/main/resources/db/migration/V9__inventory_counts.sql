-- The number of assets that have each software title, and that each CVE is open on, kept on the catalog rows: the
-- software and vulnerability lists read them instead of counting per row (scripts/api-bench.sh at 100,000 devices:
-- the software page took 8.7 s, the vulnerability page 0.5 s, counting per row). A run recounts its project as it
-- applies, and so does deleting a connector; both hold the project's change lock, so the counts match the inventory
-- they commit with.
alter table software add column assets integer not null default 0;
alter table vulnerability add column exposed_assets integer not null default 0;

create function recount_inventory(p bigint) returns void language sql as $$
    with c as (select x.software_key, count(distinct x.asset_id)::integer as n
                 from asset_software x join asset a on a.id = x.asset_id
                where a.project_id = p group by x.software_key)
    update software s set assets = coalesce(c.n, 0)
      from software s2 left join c on c.software_key = s2.software_key
     where s.project_id = p and s2.project_id = p and s2.software_key = s.software_key
       and s.assets is distinct from coalesce(c.n, 0);

    with c as (select f.cve_id, count(distinct f.asset_id)::integer as n
                 from finding f where f.project_id = p and f.state = 'open' group by f.cve_id)
    update vulnerability v set exposed_assets = coalesce(c.n, 0)
      from vulnerability v2 left join c on c.cve_id = v2.cve_id
     where v.project_id = p and v2.project_id = p and v2.cve_id = v.cve_id
       and v.exposed_assets is distinct from coalesce(c.n, 0);
$$;

select recount_inventory(id) from project;
