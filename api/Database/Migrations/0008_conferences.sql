-- Quarterly case conferences: one read-model row per conference (grain key {cluster}/{conference}),
-- written by the conference grain after each state write (version-guarded) and read by
-- ListConferences and by the clustered Quartz job that builds agendas when they fall due.
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
-- Agendas still to build (status 1 = SCHEDULED), by when they fall due.
create index rm_conferences_due on rm_conferences (preparation_time) where status = 1;
