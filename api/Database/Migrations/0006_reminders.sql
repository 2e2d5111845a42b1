-- Follow-up reminders: one row per (task, kind, due time). A clustered Quartz job sweeps the due
-- rows every few seconds and hands them to their task grains; per-item Quartz triggers would not
-- keep up with thousands due in the same minute.
create table reminders (
    item_key text primary key,
    task_id  text not null,
    kind     integer not null,
    due_at   timestamptz not null,
    fired_at timestamptz
);
create index reminders_due on reminders (due_at) where fired_at is null;
create index reminders_task on reminders (task_id) where fired_at is null;
