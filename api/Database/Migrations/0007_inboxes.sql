-- Inboxes for people: the same gap-free feeds as the partner inbox, named `ward:{ward}` for a ward
-- office (vice-chair and officers) and `centre` for the Social Work Centre's coordinators. Their
-- events are not always about a task (case deadlines, conferences): the task id becomes optional
-- and doc_kind says what the document holds ('task': the task as it was; 'item': an InboxItem).
alter table feed_events alter column task_id drop not null;
alter table feed_events add column doc_kind text not null default 'task';

-- Follow-ups of cases and conferences, not only tasks: target says which grain a due row goes to,
-- detail carries what the grain needs to know (for a case, the clock's name).
alter table reminders rename column task_id to target_id;
alter table reminders add column target text not null default 'task';
alter table reminders add column detail text not null default '';
alter index reminders_task rename to reminders_target;
-- Whether the grain acted on the reminder when it fell due (a task accepted in time ignores its
-- not-accepted reminder); fired and delivered rows are shown in the case timeline.
alter table reminders add column delivered boolean not null default true;
-- A reminder whose delivery failed waits until retry_at before the next try.
alter table reminders add column retry_at timestamptz;

-- Ids come from one sequence per (kind, year) instead of a counter row: a counter row serialised
-- every create in the city behind one row lock held through each commit. A sequence never blocks;
-- the price is a rare gap (a create that fails after taking its number). Existing counters carry
-- on where they stopped.
do $$
declare c record;
begin
    for c in select kind, year, last from id_counters loop
        execute format('create sequence if not exists %I start with %s', 'ids_' || c.kind || '_' || c.year, c.last + 1);
    end loop;
end $$;
