-- Issue 14: the ward summary's tasks by status counted every task the ward ever had (half a million
-- a ward at 3,000,000 tasks). The counts are kept here instead, by a trigger on rm_tasks, so the
-- summary reads a handful of rows whatever the history.
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

-- A task that changes status moves one count to another. The lower key is always taken first, so
-- two single-task upserts never wait on each other's rows in opposite orders (no deadlock).
create function rm_ward_task_counts_track() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform rm_ward_task_counts_add(new.ward_id, new.status, 1);
    elsif tg_op = 'DELETE' then
        perform rm_ward_task_counts_add(old.ward_id, old.status, -1);
    elsif (old.ward_id, old.status) <> (new.ward_id, new.status) then
        if (old.ward_id, old.status) < (new.ward_id, new.status) then
            perform rm_ward_task_counts_add(old.ward_id, old.status, -1);
            perform rm_ward_task_counts_add(new.ward_id, new.status, 1);
        else
            perform rm_ward_task_counts_add(new.ward_id, new.status, 1);
            perform rm_ward_task_counts_add(old.ward_id, old.status, -1);
        end if;
    end if;
    return null;
end $$;

-- The lock keeps writers out between the count below and the trigger's first change.
lock table rm_tasks in share row exclusive mode;
create trigger rm_tasks_ward_counts after insert or delete or update of ward_id, status on rm_tasks
    for each row execute function rm_ward_task_counts_track();
insert into rm_ward_task_counts (ward_id, status, n)
select ward_id, status, count(*) from rm_tasks group by ward_id, status;
