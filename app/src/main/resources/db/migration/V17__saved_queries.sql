-- Saved queries in Rampart's query language (F21, docs/queries.md): the same shape as saved hunts, so that one store
-- (SavedTexts) keeps both.
create table saved_query (
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
