-- Endpoint risk (F17), response actions (F18) and sensor health (F10). docs/risk.md describes the model.

-- An asset's value as people set it in Rampart (null: Defender's device value decides), its risk score and level for
-- sorting and filtering lists, whether Rampart's last action isolated it, and its sensor health flags.
alter table asset add column criticality text check (criticality in ('low', 'normal', 'high', 'critical'));
alter table asset add column risk_score double precision;
alter table asset add column risk_level text check (risk_level in ('None', 'Low', 'Medium', 'High', 'Critical'));
alter table asset add column isolated boolean not null default false;
alter table asset add column sensor_flags text[] not null default '{}';
create index asset_risk_sort on asset (project_id, (coalesce(risk_score, -1)), id);
create index asset_sensor_flags on asset using gin (sensor_flags);

-- The explanation of each asset's score: its parts and the contributors a person can check.
create table asset_risk (
    asset_id      bigint primary key references asset on delete cascade,
    project_id    bigint not null references project on delete cascade,
    level         text not null,
    score         double precision not null,
    exposure      double precision not null,
    alert         double precision not null,
    inferred      boolean not null default false,
    contributors  jsonb not null default '[]',
    computed_at   timestamptz not null,
    run_id        bigint
);
create index asset_risk_project on asset_risk (project_id, level);

-- Each change of an asset's level (the level after a run is the newest row at or before it).
create table asset_risk_history (
    asset_id    bigint not null references asset on delete cascade,
    at          timestamptz not null,
    run_id      bigint,
    level       text not null,
    score       double precision not null
);
create index asset_risk_history_asset on asset_risk_history (asset_id, at);

-- Response actions through Defender: requested in Rampart, sent to Defender, followed until they end. next_poll_at
-- and the lease make one node at a time follow each action, and survive restarts.
create table machine_action (
    id                  bigserial primary key,
    project_id          bigint not null references project on delete cascade,
    asset_id            bigint references asset on delete set null,
    connector_id        bigint references connector on delete set null,
    machine_id          text not null,
    type                text not null check (type in ('isolate', 'release', 'scan')),
    isolation_type      text check (isolation_type in ('Full', 'Selective')),
    scan_type           text check (scan_type in ('Quick', 'Full')),
    reason              text not null,
    requested_by        text not null,
    requested_at        timestamptz not null,
    defender_action_id  text,
    status              text not null check (status in ('Requested', 'Pending', 'InProgress', 'Succeeded', 'Failed',
                                                          'TimeOut', 'Cancelled', 'Refused')),
    error               text,
    polls               integer not null default 0,
    next_poll_at        timestamptz,
    lease_until         timestamptz,
    lease_node          text,
    updated_at          timestamptz not null,
    finished_at         timestamptz
);
create index machine_action_project on machine_action (project_id, id);
create index machine_action_asset on machine_action (asset_id, id);
create index machine_action_due on machine_action (next_poll_at) where status in ('Requested', 'Pending', 'InProgress');

-- Changes made outside a run (a criticality set by hand, an action's end) are events too, without a run.
alter table change_event alter column run_id drop not null;

-- The findings list sorted by exploitability (verified, in a kit, public, none; then CVSS).
create index finding_state_exploit on finding (project_id, state,
    (((case exploitability when 'ExploitIsVerified' then 3 when 'ExploitIsInKit' then 2
       when 'ExploitIsPublic' then 1 else 0 end) * 100 + coalesce(cvss, 0))::double precision), id);
