-- Cases and inter-agency tasks: id allocation and read-model tables.

-- Per-kind, per-year counters behind human-readable ids (DN-2026-000123).
create table id_counters (
    kind text    not null,
    year integer not null,
    last bigint  not null,
    primary key (kind, year)
);

-- Which request got which id, so a retried create returns the same resource.
create table id_requests (
    scope      text not null,
    request_id text not null,
    id         text not null,
    created_at timestamptz not null default now(),
    primary key (scope, request_id)
);

create table rm_cases (
    id            text primary key,
    version       bigint not null,
    ward_id       text not null,
    cluster_id    text not null,
    step          integer not null,
    risk          integer not null,
    categories    integer[] not null,
    case_worker   text not null,
    flagged       boolean not null,
    is_open       boolean not null,
    next_due      timestamptz,
    report_time   timestamptz not null,
    person_search text not null,
    doc           jsonb not null,
    updated_at    timestamptz not null
);
create index rm_cases_ward on rm_cases (ward_id, report_time desc, id desc);
create index rm_cases_cluster on rm_cases (cluster_id, report_time desc, id desc);
create index rm_cases_order on rm_cases (report_time desc, id desc);
create index rm_cases_due on rm_cases (next_due) where is_open;

create table rm_tasks (
    id          text primary key,
    version     bigint not null,
    kind        integer not null,
    status      integer not null,
    case_id     text not null,
    ward_id     text not null,
    assignee_id text not null,
    due_time    timestamptz not null,
    is_open     boolean not null,
    doc         jsonb not null,
    updated_at  timestamptz not null
);
create index rm_tasks_assignee on rm_tasks (assignee_id, due_time, id);
create index rm_tasks_ward on rm_tasks (ward_id, due_time, id);
create index rm_tasks_case on rm_tasks (case_id, due_time, id);
create index rm_tasks_order on rm_tasks (due_time, id);
