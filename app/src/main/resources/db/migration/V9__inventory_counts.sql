-- The number of assets that have each software title, and that each CVE is open on, kept on the catalog rows: the
-- software and vulnerability lists read them instead of counting per row (scripts/api-bench.sh at 100,000 devices:
-- the software page took 8.7 s, the vulnerability page 0.5 s, counting per row). A run recounts as it applies, and so
-- does deleting a connector; both hold the project's change lock, so the counts match the inventory they commit with.
alter table software add column assets integer not null default 0;
alter table vulnerability add column exposed_assets integer not null default 0;

-- Recounts project p. Without a run, everything: counting every CVE reads every open finding (about 8 s at 2.9
-- million). With a run r, the software titles when software is true (under a second), and the CVEs by difference: for
-- each (asset, CVE) pair whose findings the run changed (its change events), whether the asset was exposed before the
-- run and is now, which reads only those pairs' findings. A finding was open before the run if it is open now and the
-- run did not open or reopen it, or the run fixed or archived it.
create function recount_inventory(p bigint, r bigint, software boolean) returns void language plpgsql as $$
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
    if r is null then
        with c as materialized (
                select f.cve_id, count(distinct f.asset_id)::integer as n
                  from finding f where f.project_id = p and f.state = 'open' group by f.cve_id)
        update vulnerability v set exposed_assets = c.n from c
         where v.project_id = p and v.cve_id = c.cve_id and v.exposed_assets <> c.n;
        update vulnerability v set exposed_assets = 0
         where v.project_id = p and v.exposed_assets <> 0
           and not exists (select 1 from finding f where f.project_id = p and f.cve_id = v.cve_id and f.state = 'open');
    else
        with ev as materialized (
                select e.finding_id,
                       bool_or(e.type in ('finding.opened', 'finding.reopened')) as came,
                       bool_or(e.type in ('finding.fixed', 'finding.archived')) as went
                  from change_event e
                 where e.run_id = r and e.finding_id is not null and e.type like 'finding.%'
                 group by e.finding_id),
             pairs as materialized (
                select distinct f.asset_id, f.cve_id from ev join finding f on f.id = ev.finding_id),
             exposure as (
                select x.cve_id,
                       bool_or(f.state = 'open') as now_open,
                       bool_or((f.state = 'open' and not coalesce(ev.came, false)) or coalesce(ev.went, false))
                           as was_open
                  from pairs x join finding f on f.asset_id = x.asset_id and f.cve_id = x.cve_id
                  left join ev on ev.finding_id = f.id
                 group by x.asset_id, x.cve_id),
             delta as (
                select cve_id, sum(now_open::integer - was_open::integer)::integer as d
                  from exposure group by cve_id)
        update vulnerability v set exposed_assets = v.exposed_assets + delta.d from delta
         where v.project_id = p and v.cve_id = delta.cve_id and delta.d <> 0;
    end if;
end
$$;

select recount_inventory(id, null, true) from project;
