-- Reports (issue 11): the facts the quarterly statistics are computed from, in SQL, without
-- activating grains.
--
-- 1. case_events: every entry of a case timeline (who did what when is in the grain state; the
--    report needs the time and the step after it). Written by the case grain after its state write,
--    idempotent by (case_id, seq); a grain re-writes its whole timeline when it activates, so cases
--    recorded before this migration are filled in as they are activated (and by the backfill the
--    host runs at start, which activates cases that have no events yet).
-- 2. case_steps: the time ranges a case spent in each open step, rebuilt from its events by the
--    same writer, so "open at the end of the quarter, by step" is one index range scan.
-- 3. Columns on rm_cases and rm_tasks with the facts a report groups by (intake source, sex, age
--    at report; when a task was accepted, finished and reviewed, why it was rejected), backfilled
--    here from the JSON documents the rows already hold.
-- 4. calendar_days: the platform's working-day calendar (weekends, Vietnamese holidays and the
--    configured extra days), written by the host at start, so durations "in working days" and
--    deadlines "N working days after" are computed in SQL exactly as the grains compute them.

create table case_events (
    case_id    text not null,
    seq        bigint not null,
    ward_id    text not null,
    cluster_id text not null,
    time       timestamptz not null,
    action     text not null,
    -- The case's step after the entry (CaseStep numbers).
    step       integer not null,
    -- Only for CASE_CLOSED: the closing reason (no free text of notes or assessments is copied).
    detail     text not null default '',
    primary key (case_id, seq)
);
create index case_events_time on case_events (time, action);
create index case_events_ward on case_events (ward_id, time, action);
create index case_events_cluster on case_events (cluster_id, time, action);

-- One row per stay of a case in an open step; left_at is 'infinity' while it is still there.
create table case_steps (
    case_id    text not null,
    entered_at timestamptz not null,
    left_at    timestamptz not null,
    step       integer not null,
    ward_id    text not null,
    cluster_id text not null,
    primary key (case_id, entered_at)
);
create index case_steps_left on case_steps (left_at, entered_at);
create index case_steps_ward on case_steps (ward_id, left_at, entered_at);
create index case_steps_cluster on case_steps (cluster_id, left_at, entered_at);

alter table rm_cases add column source integer not null default 0;
alter table rm_cases add column sex integer not null default 0;
-- Age in whole years at the report (from the birth date when known), -1 when not known.
alter table rm_cases add column age_years integer not null default -1;
update rm_cases set
    source = coalesce((doc->'Details'->>'Source')::int, 0),
    sex = coalesce((doc->'Details'->'Person'->>'Sex')::int, 0),
    age_years = case
        when doc->'Details'->'Person'->>'BirthDate' is not null then
            extract(year from age((report_time at time zone 'Asia/Ho_Chi_Minh')::date, (doc->'Details'->'Person'->>'BirthDate')::date))::int
        else coalesce((doc->'Details'->'Person'->>'ApproximateAgeYears')::int, -1)
    end;
create index rm_cases_report on rm_cases (report_time);

alter table rm_tasks add column create_time timestamptz;
alter table rm_tasks add column accepted_at timestamptz;
alter table rm_tasks add column final_at timestamptz;
alter table rm_tasks add column reviewed_at timestamptz;
alter table rm_tasks add column reject_reason text not null default '';
alter table rm_tasks add column conference_id text not null default '';
update rm_tasks set
    create_time = (doc->>'CreateTime')::timestamptz,
    accepted_at = (select min((h->>'Time')::timestamptz) from jsonb_array_elements(doc->'History') h where h->>'Action' = 'ACCEPTED'),
    final_at = (select min((h->>'Time')::timestamptz) from jsonb_array_elements(doc->'History') h where (h->>'Status')::int in (4, 7, 8, 9)),
    reviewed_at = (select min((h->>'Time')::timestamptz) from jsonb_array_elements(doc->'History') h where h->>'Action' = 'OUTCOME_REVIEWED'),
    reject_reason = coalesce((select h->>'Text' from jsonb_array_elements(doc->'History') h where h->>'Action' = 'REJECTED' limit 1), ''),
    conference_id = coalesce(doc->'Spec'->>'ConferenceId', '');
update rm_tasks set create_time = updated_at where create_time is null;
alter table rm_tasks alter column create_time set not null;
create index rm_tasks_created on rm_tasks (create_time);
create index rm_tasks_ward_created on rm_tasks (ward_id, create_time);
create index rm_tasks_conference on rm_tasks (conference_id) where conference_id <> '';

-- Escalations are fired reminders (kind 7, TaskEscalated) the task grain acted on.
create index reminders_fired on reminders (target_id, kind) where fired_at is not null;

create table calendar_days (
    day            date primary key,
    working        boolean not null,
    -- Working days strictly before this day, counted from the first day of the table.
    working_before integer not null
);
-- add_working_days looks up the n-th working day by its count.
create index calendar_days_working on calendar_days (working_before) where working;

-- Time on the working-day clock, in days: working days before the local date, plus the fraction of
-- the local day already gone when that day is a working day. The difference of two values is the
-- time between them in working days (weekends and holidays count zero).
create function working_clock(t timestamptz) returns double precision language sql stable parallel safe as $$
    select d.working_before
        + case when d.working then extract(epoch from ((t at time zone 'Asia/Ho_Chi_Minh') - d.day::timestamp)) / 86400.0 else 0 end
    from calendar_days d where d.day = (t at time zone 'Asia/Ho_Chi_Minh')::date
$$;

-- The instant n working days after t, same local time of day (as WorkingCalendar.AddWorkingDays):
-- the n-th working day strictly after t's local date.
create function add_working_days(t timestamptz, n integer) returns timestamptz language sql stable parallel safe as $$
    select (w.day + ((t at time zone 'Asia/Ho_Chi_Minh') - (t at time zone 'Asia/Ho_Chi_Minh')::date::timestamp)) at time zone 'Asia/Ho_Chi_Minh'
    from calendar_days d
    join calendar_days w on w.working and w.working_before = d.working_before + case when d.working then 1 else 0 end + n - 1
    where d.day = (t at time zone 'Asia/Ho_Chi_Minh')::date
$$;
