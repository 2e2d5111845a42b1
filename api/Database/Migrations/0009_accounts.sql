-- People's accounts (AccountService): sign-in name, role and scope, the password hash (ASP.NET Core
-- Identity's PasswordHasher format: algorithm, iterations and salt are inside the hash), the
-- failed-sign-in counter and lock. version is the etag.
create table accounts (
    username                 text primary key,
    display_name             text not null,
    role                     text not null,
    scope                    text not null,
    enabled                  boolean not null,
    language_code            text not null,
    password_hash            text not null,
    password_change_required boolean not null,
    failed_sign_ins          integer not null default 0,
    locked_until             timestamptz,
    last_sign_in_time        timestamptz,
    create_time              timestamptz not null,
    update_time              timestamptz not null,
    version                  bigint not null
);
create index accounts_scope on accounts (scope, username);

-- One row per sign-in. A token names its session (claim sid); a revoked session's tokens are
-- refused by every host (each host re-reads the revoked, unexpired sessions every few seconds).
create table account_sessions (
    id            uuid primary key,
    username      text not null references accounts (username),
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    revoked_at    timestamptz,
    revoke_reason text not null default ''
);
create index account_sessions_user on account_sessions (username) where revoked_at is null;
create index account_sessions_revoked on account_sessions (expires_at) where revoked_at is not null;

-- Answers to account changes by request id, so a retry returns the first result (with the same
-- one-time password, kept encrypted) and changes nothing. Kept for Accounts:RequestRetention.
create table account_requests (
    principal      text not null,
    request_id     text not null,
    method         text not null,
    username       text not null,
    response       bytea not null,
    secret         bytea,
    created_at     timestamptz not null,
    primary key (principal, request_id)
);
create index account_requests_age on account_requests (created_at);

-- The audit trail says what happened when method and outcome do not (a sign-in failure and why,
-- a lock, which fields an update changed).
alter table audit_events add column detail text not null default '';

-- ListTasks(awaiting_review): completed or failed tasks whose outcome the assigner has not reviewed
-- (a failed task that was reassigned is handled). Backfilled from the stored documents; grains
-- write it from now on.
alter table rm_tasks add column awaiting_review boolean not null default false;
update rm_tasks set awaiting_review = true
where status in (7, 8)
  and not coalesce((doc ->> 'OutcomeReviewed')::boolean, false)
  and (status = 7 or coalesce(doc ->> 'ReplacedBy', '') = '');
create index rm_tasks_awaiting_review on rm_tasks (due_time, id) where awaiting_review;
create index rm_tasks_open on rm_tasks (due_time, id) where is_open;
