-- Authority follows the account (docs/security.md). A session records the epoch its account had at sign-in; disabling
-- the account or changing its password moves the epoch on, and every node compares it on every request, so those
-- sessions end at once everywhere (a re-enabled account does not bring them back).
alter table app_user add column session_epoch integer not null default 0;

-- Failed sign-ins per account and client address. Five in a row from one address lock the account for that address
-- only, so that a stranger cannot lock someone out everywhere; the account-wide count (app_user.failed_logins) has a
-- higher limit against guessing from many addresses. Rows older than a day are deleted by the server's housekeeping.
create table sign_in_failure (
    user_id          bigint not null references app_user on delete cascade,
    remote_addr      text not null check (length(remote_addr) <= 64),
    failures         integer not null default 0,
    locked_until     timestamptz,
    last_failure_at  timestamptz not null,
    primary key (user_id, remote_addr)
);
create index sign_in_failure_last on sign_in_failure (last_failure_at);

-- A token dies with its owner's membership: tokens of people who are no longer members (and not server
-- administrators) are revoked, as removing a membership now does.
update api_token t set revoked_at = now()
 where t.revoked_at is null
   and not exists (select 1 from app_user u where u.id = t.user_id and u.admin)
   and not exists (select 1 from membership m where m.user_id = t.user_id and m.project_id = t.project_id);
