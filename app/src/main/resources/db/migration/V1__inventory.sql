-- Rampart's inventory. Projects own everything; every other table carries project_id (directly or through its asset)
-- so that one project never sees another's rows. Timestamps are timestamptz (UTC on the wire).

create table project (
    id          bigserial primary key,
    key         text not null unique check (key ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name        text not null,
    created_at  timestamptz not null default now()
);

-- A connector is one Defender tenant seen through one app registration. The credential itself is not stored here
-- (issue 5 adds encrypted storage); secret_ref names where to read it: env:NAME or file:PATH.
create table connector (
    id              bigserial primary key,
    project_id      bigint not null references project on delete cascade,
    name            text not null,
    tenant_id       text not null,
    client_id       text not null,
    secret_ref      text,
    cloud           text,
    base_url        text,
    sandbox         boolean not null default false,
    scope           jsonb not null default '{"kind":"all"}',
    options         jsonb not null default '{}',
    schedule        jsonb not null default '{"kind":"manual"}',
    enabled         boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (project_id, name)
);

-- Where a connector stands between runs. Written in the same transaction as the inventory, so a failed run never
-- moves a cursor past data it did not apply.
create table connector_checkpoint (
    connector_id        bigint primary key references connector on delete cascade,
    last_full_at        timestamptz,
    vulnerabilities_at  timestamptz,
    alerts_at           timestamptz,
    last_run_id         bigint
);

create table sync_run (
    id              bigserial primary key,
    project_id      bigint not null references project on delete cascade,
    connector_id    bigint references connector on delete cascade,
    source_name     text not null,
    kind            text not null check (kind in ('full', 'incremental', 'push')),
    state           text not null check (state in ('running', 'succeeded', 'failed', 'cancelled')),
    phase           text not null default 'starting',
    started_at      timestamptz not null default now(),
    heartbeat_at    timestamptz not null default now(),
    finished_at     timestamptz,
    counts          jsonb not null default '{}',
    api             jsonb not null default '{}',
    bad_records     jsonb not null default '{}',
    error           text
);
create index sync_run_connector on sync_run (connector_id, id desc);

-- A source is whatever reports assets: a Defender connector, or a named push source (another scanner).
create table source (
    id              bigserial primary key,
    project_id      bigint not null references project on delete cascade,
    name            text not null,
    kind            text not null check (kind in ('defender', 'push')),
    connector_id    bigint unique references connector on delete cascade,
    unique (project_id, name)
);

create table asset (
    id                  bigserial primary key,
    project_id          bigint not null references project on delete cascade,
    name                text not null,
    hostname            text,
    fqdn                text,
    defender_machine_id text,
    aad_device_id       text,
    os_platform         text,
    os_version          text,
    health_status       text,
    active              boolean not null default true,
    deactivated_at      timestamptz,
    first_seen          timestamptz,
    last_seen           timestamptz,
    metadata            jsonb not null default '{}',
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create unique index asset_defender_id on asset (project_id, defender_machine_id) where defender_machine_id is not null;
create index asset_aad on asset (project_id, aad_device_id) where aad_device_id is not null;
create index asset_fqdn on asset (project_id, lower(fqdn)) where fqdn is not null;
create index asset_metadata on asset using gin (metadata jsonb_path_ops);

create table asset_address (
    asset_id    bigint not null references asset on delete cascade,
    ip          text not null,
    mac         text not null default '',
    primary key (asset_id, ip, mac)
);
create index asset_address_ip_mac on asset_address (ip, mac);

-- One row per (asset, source): what that source says about the device.
create table asset_source (
    asset_id        bigint not null references asset on delete cascade,
    source_id       bigint not null references source on delete cascade,
    external_id     text not null,
    active          boolean not null,
    health_status   text,
    first_seen      timestamptz not null,
    last_seen       timestamptz not null,
    inactive_since  timestamptz,
    last_run_id     bigint,
    primary key (asset_id, source_id),
    unique (source_id, external_id)
);

create table vulnerability (
    project_id          bigint not null references project on delete cascade,
    cve_id              text not null,
    name                text,
    description         text,
    severity            text,
    cvss_v3             double precision,
    cvss_vector         text,
    public_exploit      boolean,
    exploit_verified    boolean,
    exploit_in_kit      boolean,
    exploit_types       jsonb,
    epss                double precision,
    published_on        timestamptz,
    updated_on          timestamptz,
    exposed_machines    bigint,
    updated_at          timestamptz not null default now(),
    primary key (project_id, cve_id)
);

create table finding (
    id                  bigserial primary key,
    project_id          bigint not null references project on delete cascade,
    asset_id            bigint not null references asset on delete cascade,
    source_id           bigint not null references source on delete cascade,
    cve_id              text not null,
    product_vendor      text not null default '',
    product_name        text not null default '',
    product_version     text not null default '',
    severity            text,
    cvss                double precision,
    exploitability      text,
    recommended_update  text,
    fixing_kb           text,
    first_seen          timestamptz,
    last_seen           timestamptz,
    state               text not null check (state in ('open', 'fixed', 'archived')),
    opened_at           timestamptz not null,
    fixed_at            timestamptz,
    archived_at         timestamptz,
    times_reopened      integer not null default 0,
    updated_run_id      bigint,
    unique (asset_id, source_id, cve_id, product_vendor, product_name, product_version)
);
create index finding_project_state on finding (project_id, state);
create index finding_cve on finding (project_id, cve_id);
create index finding_source_state on finding (source_id, state);

create table software (
    project_id          bigint not null references project on delete cascade,
    software_key        text not null,
    vendor              text not null default '',
    name                text not null,
    weaknesses          integer,
    updated_at          timestamptz not null default now(),
    primary key (project_id, software_key)
);

create table asset_software (
    asset_id            bigint not null references asset on delete cascade,
    source_id           bigint not null references source on delete cascade,
    software_key        text not null,
    version             text not null default '',
    weaknesses          integer,
    first_seen          timestamptz,
    last_seen           timestamptz,
    end_of_support      text,
    end_of_support_date timestamptz,
    primary key (asset_id, source_id, software_key, version)
);

create table alert (
    id                  bigserial primary key,
    project_id          bigint not null references project on delete cascade,
    source_id           bigint not null references source on delete cascade,
    alert_id            text not null,
    asset_id            bigint references asset on delete set null,
    machine_id          text,
    title               text,
    severity            text,
    status              text,
    category            text,
    classification      text,
    determination       text,
    detection_source    text,
    created_at          timestamptz,
    first_event_at      timestamptz,
    last_event_at       timestamptz,
    last_update_at      timestamptz,
    resolved_at         timestamptz,
    evidence_summary    jsonb not null default '{}',
    unique (source_id, alert_id)
);
create index alert_asset on alert (asset_id);

create table logon_user (
    asset_id            bigint not null references asset on delete cascade,
    source_id           bigint not null references source on delete cascade,
    account_name        text not null,
    account_domain      text not null default '',
    account_sid         text,
    first_seen          timestamptz,
    last_seen           timestamptz,
    logon_types         text,
    is_domain_admin     boolean,
    primary key (asset_id, source_id, account_domain, account_name)
);

-- Profiles: OS and OS_VERSION (from Defender's OS details, created by a connector) and CLASS (the rule-based
-- classifier for devices without OS details).
create table profile (
    id              bigserial primary key,
    project_id      bigint not null references project on delete cascade,
    kind            text not null check (kind in ('OS', 'OS_VERSION', 'CLASS')),
    name            text not null,
    connector_id    bigint references connector on delete cascade,
    created_at      timestamptz not null default now()
);
create unique index profile_identity on profile (project_id, kind, name, coalesce(connector_id, 0));

create table profile_assignment (
    profile_id      bigint not null references profile on delete cascade,
    asset_id        bigint not null references asset on delete cascade,
    match_score     text not null check (match_score in ('Very High', 'High', 'Medium', 'Low')),
    assigned_at     timestamptz not null default now(),
    primary key (profile_id, asset_id)
);
create index profile_assignment_asset on profile_assignment (asset_id);

create table ticket (
    id              bigserial primary key,
    project_id      bigint not null references project on delete cascade,
    asset_id        bigint references asset on delete cascade,
    title           text not null,
    state           text not null check (state in ('open', 'mitigated')),
    created_at      timestamptz not null default now(),
    closed_at       timestamptz,
    times_reopened  integer not null default 0
);

create table ticket_finding (
    ticket_id       bigint not null references ticket on delete cascade,
    finding_id      bigint not null references finding on delete cascade,
    primary key (ticket_id, finding_id)
);
create index ticket_finding_finding on ticket_finding (finding_id);

create table change_event (
    id              bigserial primary key,
    project_id      bigint not null references project on delete cascade,
    run_id          bigint not null,
    at              timestamptz not null,
    type            text not null,
    asset_id        bigint,
    finding_id      bigint,
    alert_id        text,
    ticket_id       bigint,
    details         jsonb
);
create index change_event_project on change_event (project_id, id);
create index change_event_run on change_event (run_id);

-- Staging: what a run has read, before it is applied. Unlogged (a crash loses nothing that matters: the run is
-- started again); rows are deleted when their run ends, and a dead run's rows by the next run of its connector.
create unlogged table stage_machine (
    run_id              bigint not null,
    machine_id          text not null,
    defender_machine_id text,
    name                text not null,
    hostname            text,
    fqdn                text,
    aad_device_id       text,
    os_platform         text,
    os_version          text,
    health_status       text,
    active              boolean not null,
    first_seen          timestamptz,
    last_seen           timestamptz,
    metadata            jsonb not null,
    addresses           jsonb not null default '[]',
    in_scope            boolean not null default true
);
create index stage_machine_run on stage_machine (run_id, machine_id);

create unlogged table stage_finding (
    run_id              bigint not null,
    machine_id          text not null,
    cve_id              text not null,
    product_vendor      text not null,
    product_name        text not null,
    product_version     text not null,
    severity            text,
    cvss                double precision,
    exploitability      text,
    recommended_update  text,
    fixing_kb           text,
    first_seen          timestamptz,
    last_seen           timestamptz,
    change              text,
    event_at            timestamptz
);
create index stage_finding_run on stage_finding (run_id);

create unlogged table stage_software (
    run_id              bigint not null,
    machine_id          text not null,
    vendor              text not null,
    name                text not null,
    version             text not null,
    weaknesses          integer,
    first_seen          timestamptz,
    last_seen           timestamptz,
    end_of_support      text,
    end_of_support_date timestamptz
);
create index stage_software_run on stage_software (run_id);

create unlogged table stage_alert (
    run_id              bigint not null,
    alert_id            text not null,
    machine_id          text,
    title               text,
    severity            text,
    status              text,
    category            text,
    classification      text,
    determination       text,
    detection_source    text,
    created_at          timestamptz,
    first_event_at      timestamptz,
    last_event_at       timestamptz,
    last_update_at      timestamptz,
    resolved_at         timestamptz,
    evidence_summary    jsonb not null
);
create index stage_alert_run on stage_alert (run_id);

create unlogged table stage_logon_user (
    run_id              bigint not null,
    machine_id          text not null,
    account_name        text not null,
    account_domain      text not null,
    account_sid         text,
    first_seen          timestamptz,
    last_seen           timestamptz,
    logon_types         text,
    is_domain_admin     boolean
);
create index stage_logon_user_run on stage_logon_user (run_id);

create unlogged table stage_vulnerability (
    run_id              bigint not null,
    cve_id              text not null,
    name                text,
    description         text,
    severity            text,
    cvss_v3             double precision,
    cvss_vector         text,
    public_exploit      boolean,
    exploit_verified    boolean,
    exploit_in_kit      boolean,
    exploit_types       jsonb,
    epss                double precision,
    published_on        timestamptz,
    updated_on          timestamptz,
    exposed_machines    bigint
);
create index stage_vulnerability_run on stage_vulnerability (run_id);
