-- Identities (F9): the Entra directory of a Defender connector's tenant, read from Microsoft Graph on its own cadence
-- (connector_checkpoint.directory_at) and applied in the run's one transaction: users, groups, and every group's
-- transitive members (nested groups flattened, as Graph's transitiveMembers gives them). A user or group Graph no
-- longer lists is marked gone (active false, gone_at), never erased. Logon users point at the directory user they
-- match, with the rule that matched.
alter table connector_checkpoint add column directory_at timestamptz;

create table directory_user (
    id                  bigserial primary key,
    project_id          bigint not null references project on delete cascade,
    connector_id        bigint not null references connector on delete cascade,
    object_id           text not null,
    user_principal_name text,
    display_name        text,
    mail                text,
    sam_account_name    text,
    on_premises_domain  text,
    sid                 text,
    department          text,
    job_title           text,
    employee_id         text,
    account_enabled     boolean,
    user_type           text,
    active              boolean not null default true,
    first_seen          timestamptz not null,
    last_seen           timestamptz not null,
    gone_at             timestamptz,
    unique (connector_id, object_id)
);
create index directory_user_upn on directory_user (project_id, lower(user_principal_name));
create index directory_user_sid on directory_user (project_id, sid) where sid is not null;
create index directory_user_sam on directory_user (project_id, lower(sam_account_name))
    where sam_account_name is not null;
create index directory_user_mail on directory_user (project_id, lower(mail)) where mail is not null;

create table directory_group (
    id                  bigserial primary key,
    project_id          bigint not null references project on delete cascade,
    connector_id        bigint not null references connector on delete cascade,
    object_id           text not null,
    display_name        text,
    description         text,
    mail                text,
    security_enabled    boolean,
    mail_enabled        boolean,
    active              boolean not null default true,
    first_seen          timestamptz not null,
    last_seen           timestamptz not null,
    gone_at             timestamptz,
    unique (connector_id, object_id)
);

create table group_member (
    group_id            bigint not null references directory_group on delete cascade,
    user_id             bigint references directory_user on delete cascade,
    member_group_id     bigint references directory_group on delete cascade,
    check ((user_id is null) <> (member_group_id is null))
);
create unique index group_member_user on group_member (group_id, user_id) where user_id is not null;
create unique index group_member_group on group_member (group_id, member_group_id) where member_group_id is not null;
create index group_member_by_user on group_member (user_id) where user_id is not null;
create index group_member_by_group on group_member (member_group_id) where member_group_id is not null;

alter table logon_user add column user_id bigint references directory_user on delete set null;
alter table logon_user add column matched_by text check (matched_by in ('sid', 'upn', 'sam', 'mail'));
create index logon_user_user on logon_user (user_id) where user_id is not null;

create unlogged table stage_directory_user (
    run_id              bigint not null,
    object_id           text not null,
    user_principal_name text,
    display_name        text,
    mail                text,
    sam_account_name    text,
    on_premises_domain  text,
    sid                 text,
    department          text,
    job_title           text,
    employee_id         text,
    account_enabled     boolean,
    user_type           text
);
create index stage_directory_user_run on stage_directory_user (run_id);

create unlogged table stage_directory_group (
    run_id              bigint not null,
    object_id           text not null,
    display_name        text,
    description         text,
    mail                text,
    security_enabled    boolean,
    mail_enabled        boolean
);
create index stage_directory_group_run on stage_directory_group (run_id);

create unlogged table stage_group_member (
    run_id              bigint not null,
    group_object_id     text not null,
    member_type         text not null,
    member_object_id    text not null
);
create index stage_group_member_run on stage_group_member (run_id);
