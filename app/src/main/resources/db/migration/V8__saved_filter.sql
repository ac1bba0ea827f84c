-- A person's saved filters on a list of a project (the asset list first): a name and the query string that the list
-- page reads. They belong to the user, so a viewer can keep their own; deleting the user or project removes them.
create table saved_filter (
    id          bigserial primary key,
    project_id  bigint not null references project (id) on delete cascade,
    user_id     bigint not null references app_user (id) on delete cascade,
    list        text not null check (list in ('assets')),
    name        text not null check (length(name) between 1 and 100),
    query       text not null check (length(query) <= 4000),
    created_at  timestamptz not null default now(),
    unique (project_id, user_id, list, name)
);
