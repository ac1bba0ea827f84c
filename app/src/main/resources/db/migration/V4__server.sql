-- The server (issue 5): users, memberships, API tokens, the audit log, connector credentials stored encrypted,
-- schedules and cancellation of runs.

create table app_user (
    id               bigserial primary key,
    username         text not null unique check (username ~ '^[A-Za-z0-9._@-]{1,128}$'),
    display_name     text,
    -- Spring Security's delegating format ({bcrypt}...); null for users who only sign in through OIDC.
    password_hash    text,
    admin            boolean not null default false,
    enabled          boolean not null default true,
    failed_logins    integer not null default 0,
    locked_until     timestamptz,
    oidc_subject     text unique,
    created_at       timestamptz not null default now(),
    last_login_at    timestamptz
);

create table membership (
    user_id     bigint not null references app_user on delete cascade,
    project_id  bigint not null references project on delete cascade,
    role        text not null check (role in ('admin', 'connector_editor', 'responder', 'analyst', 'viewer')),
    created_at  timestamptz not null default now(),
    primary key (user_id, project_id)
);
create index membership_project on membership (project_id);

-- API tokens: only a SHA-256 of the token is kept (tokens are 256 random bits, so a fast hash is enough); the
-- prefix lets people recognise a token in a list.
create table api_token (
    id            bigserial primary key,
    user_id       bigint not null references app_user on delete cascade,
    project_id    bigint not null references project on delete cascade,
    role          text not null check (role in ('admin', 'connector_editor', 'responder', 'analyst', 'viewer')),
    name          text not null,
    token_hash    text not null unique,
    prefix        text not null,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz not null,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
create index api_token_project on api_token (project_id);

create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null default now(),
    actor       text not null,
    actor_kind  text not null check (actor_kind in ('user', 'token', 'system', 'anonymous')),
    remote_addr text,
    project_id  bigint references project on delete set null,
    action      text not null,
    target      text,
    outcome     text not null check (outcome in ('success', 'failure', 'denied')),
    details     jsonb not null default '{}'
);
create index audit_log_at on audit_log (id desc);
create index audit_log_project on audit_log (project_id, id desc);

-- A connector's credential: AES-GCM ciphertext under the master key (key id says which key), or secret_ref (env:NAME,
-- file:PATH) as before. Never both.
alter table connector
    add column description        text,
    add column credential_kind    text not null default 'secret' check (credential_kind in ('secret', 'certificate')),
    add column secret_ciphertext  bytea,
    add column secret_key_id      text,
    add column secret_expires_at  timestamptz,
    add column expiry_warned      integer,
    add column version            integer not null default 1;

alter table sync_run
    add column trigger            text not null default 'cli',
    add column requested_by       text,
    add column cancel_requested   boolean not null default false,
    add column node               text;
