-- The number of assets that have each software title, and that each CVE is open on, kept on the catalog rows: the
-- software and vulnerability lists read them instead of counting per row (scripts/api-bench.sh at 100,000 devices:
-- the software page took 8.7 s, the vulnerability page 0.5 s, counting per row). A run recounts as it applies, and so
-- does deleting a connector; both hold the project's change lock, so the counts match the inventory they commit with.
alter table software add column assets integer not null default 0;
alter table vulnerability add column exposed_assets integer not null default 0;

-- Recounts project p. With a run r, only the CVEs whose findings that run changed (its change events) and, when
-- software is true, the software titles: counting every CVE reads every open finding (5 to 8 s at 2.9 million), which
-- an hourly run should not pay. Without a run, everything.
create function recount_inventory(p bigint, r bigint, software boolean) returns void language plpgsql as $$
declare
    touched text[];
begin
    if software or r is null then
        with c as materialized (
                select x.software_key, count(distinct x.asset_id)::integer as n
                  from asset_software x join asset a on a.id = x.asset_id
                 where a.project_id = p group by x.software_key)
        update software s set assets = c.n from c
         where s.project_id = p and s.software_key = c.software_key and s.assets <> c.n;
        update software s set assets = 0
         where s.project_id = p and s.assets <> 0
           and not exists (select 1 from asset_software x join asset a on a.id = x.asset_id
                            where a.project_id = p and x.software_key = s.software_key);
    end if;
    if r is not null then
        select array_agg(distinct f.cve_id) into touched
          from change_event e join finding f on f.id = e.finding_id
         where e.run_id = r and e.finding_id is not null;
        if touched is null then
            return;
        end if;
    end if;
    if touched is null then
        with c as materialized (
                select f.cve_id, count(distinct f.asset_id)::integer as n
                  from finding f where f.project_id = p and f.state = 'open' group by f.cve_id)
        update vulnerability v set exposed_assets = c.n from c
         where v.project_id = p and v.cve_id = c.cve_id and v.exposed_assets <> c.n;
        update vulnerability v set exposed_assets = 0
         where v.project_id = p and v.exposed_assets <> 0
           and not exists (select 1 from finding f where f.project_id = p and f.cve_id = v.cve_id and f.state = 'open');
    else
        -- Separate statements from the full count above, so that each keeps its own plan (an index on the CVE here).
        with c as materialized (
                select f.cve_id, count(distinct f.asset_id)::integer as n
                  from finding f where f.project_id = p and f.state = 'open' and f.cve_id = any(touched)
                 group by f.cve_id)
        update vulnerability v set exposed_assets = c.n from c
         where v.project_id = p and v.cve_id = c.cve_id and v.exposed_assets <> c.n;
        update vulnerability v set exposed_assets = 0
         where v.project_id = p and v.exposed_assets <> 0 and v.cve_id = any(touched)
           and not exists (select 1 from finding f where f.project_id = p and f.cve_id = v.cve_id and f.state = 'open');
    end if;
end
$$;

select recount_inventory(id, null, true) from project;
