-- Issue 14: the ward summary's tasks by status counted every task the ward ever had (half a million
-- a ward at 3,000,000 tasks). The finished ones (completed, failed, rejected, cancelled: is_open
-- false) are counted here instead, by a trigger on rm_tasks; the open ones are still counted at read
-- time, from rm_tasks_ward_open (0019), since there are few of them. A counter row per ward and
-- status is one row every writer of that ward would queue on until its commit: kept for finished
-- statuses only, it is touched once in a task's life (when it finishes), never by the transitions
-- between open statuses that make most of the traffic.
create table rm_ward_task_counts (
    ward_id text    not null,
    status  integer not null,
    n       bigint  not null,
    primary key (ward_id, status)
);

create function rm_ward_task_counts_add(w text, s integer, d bigint) returns void language sql as $$
    insert into rm_ward_task_counts as c (ward_id, status, n) values (w, s, d)
    on conflict (ward_id, status) do update set n = c.n + excluded.n
$$;

-- A finished task counts once under its ward and status. The lower key is always taken first, so two
-- single-task upserts never wait on each other's rows in opposite orders (no deadlock).
create function rm_ward_task_counts_track() returns trigger language plpgsql as $$
declare
    was boolean := tg_op <> 'INSERT' and not old.is_open;
    now_finished boolean := tg_op <> 'DELETE' and not new.is_open;
begin
    if tg_op = 'UPDATE' and (old.ward_id, old.status, old.is_open) is not distinct from (new.ward_id, new.status, new.is_open) then
        return null;
    end if;
    if was and now_finished and (old.ward_id, old.status) > (new.ward_id, new.status) then
        perform rm_ward_task_counts_add(new.ward_id, new.status, 1);
        perform rm_ward_task_counts_add(old.ward_id, old.status, -1);
        return null;
    end if;
    if was then
        perform rm_ward_task_counts_add(old.ward_id, old.status, -1);
    end if;
    if now_finished then
        perform rm_ward_task_counts_add(new.ward_id, new.status, 1);
    end if;
    return null;
end $$;

-- The lock keeps writers out between the count below and the trigger's first change.
lock table rm_tasks in share row exclusive mode;
create trigger rm_tasks_ward_counts after insert or delete or update of ward_id, status, is_open on rm_tasks
    for each row execute function rm_ward_task_counts_track();
insert into rm_ward_task_counts (ward_id, status, n)
select ward_id, status, count(*) from rm_tasks where not is_open group by ward_id, status;
