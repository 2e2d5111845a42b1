-- Read-model tables: one row per directory resource, written by its grain after each state write
-- (version-guarded upserts) and read by list queries, so listing never activates grains.

create table rm_clusters (
    id         text primary key,
    version    bigint not null,
    doc        jsonb not null,
    updated_at timestamptz not null
);

create table rm_wards (
    id         text primary key,
    version    bigint not null,
    cluster_id text not null,
    doc        jsonb not null,
    updated_at timestamptz not null
);
create index rm_wards_cluster on rm_wards (cluster_id, id);

create table rm_agencies (
    id         text primary key,
    version    bigint not null,
    ward_id    text not null,
    kind       integer not null,
    doc        jsonb not null,
    updated_at timestamptz not null
);
create index rm_agencies_ward on rm_agencies (ward_id, id);
create index rm_agencies_kind on rm_agencies (kind, id);

-- Seeds that ran once on this database (e.g. the demo directory), so a restart never re-applies
-- them over what users changed since.
create table app_seeds (
    name       text primary key,
    applied_at timestamptz not null default now()
);
