-- Quarterly case conferences: one read-model row per conference (grain key {cluster}/{conference}),
-- written by the conference grain after each state write (version-guarded) and read by
-- ListConferences (preparation times live in the shared reminders table).
create table rm_conferences (
    id               text primary key,
    version          bigint not null,
    cluster_id       text not null,
    status           integer not null,
    start_time       timestamptz not null,
    preparation_time timestamptz not null,
    doc              jsonb not null,
    updated_at       timestamptz not null
);
create index rm_conferences_cluster on rm_conferences (cluster_id, start_time, id);
create index rm_conferences_order on rm_conferences (start_time, id);

