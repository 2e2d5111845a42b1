-- Partner inbox: per-agency ordered event feeds with gap-free sequence numbers.

-- The feed head: incrementing last_seq in the same transaction as the insert makes the numbers
-- gap-free (a rolled-back append rolls back its number too) and serialises appends per agency.
create table feed_heads (
    agency_id text primary key,
    last_seq  bigint not null,
    acked_seq bigint not null default 0
);

create table feed_events (
    agency_id text not null,
    seq       bigint not null,
    event_id  uuid not null unique,
    -- Idempotency: one event per (task, task version, agency, type), however often it is appended.
    event_key text not null unique,
    type      integer not null,
    time      timestamptz not null,
    task_id   text not null,
    detail    text not null,
    doc       jsonb not null,
    primary key (agency_id, seq)
);
