-- Risk lives in asset_risk alone. Keeping a copy of the score on the asset row made every recomputation rewrite the
-- wide asset rows and all their indexes (the trigram search index among them): 4.7 s of a full recomputation at
-- 100,000 assets. asset_risk is narrow, and lists sorted or filtered by risk drive from its index.
drop index asset_risk_sort;
alter table asset drop column risk_score;
alter table asset drop column risk_level;

-- Whether the asset was active when its risk was computed: the dashboard counts active assets by level without
-- reading the asset table. Every change of an asset's activity recomputes its risk (the run's events say so).
alter table asset_risk add column active boolean not null default true;
update asset_risk r set active = a.active from asset a where a.id = r.asset_id and not a.active;

drop index asset_risk_project;
create index asset_risk_rank on asset_risk (project_id, score, asset_id);

-- Bumped by every recomputation of a project's risk: the risk summary is cached until it moves.
alter table project add column risk_version bigint not null default 0;

-- The isolated devices are few: counted and listed from a small index.
create index asset_isolated on asset (project_id) where isolated;

-- A digest of the stored values: a recomputation compares it and rewrites only the assets whose risk changed.
alter table asset_risk add column digest bigint;
