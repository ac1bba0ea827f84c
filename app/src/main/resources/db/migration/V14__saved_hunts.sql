-- Saved advanced-hunting queries (F19): a project's KQL, by name, shared with the project or kept by its owner.
create table saved_hunt (
    id          bigserial primary key,
    project_id  bigint not null references project on delete cascade,
    name        text not null,
    query       text not null,
    owner       text not null,
    shared      boolean not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (project_id, name)
);
