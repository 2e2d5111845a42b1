-- Issue 14, one transaction per task change: the task grain keeps its state here instead of in
-- Orleans' OrleansStorage, so that the state, its history entries, its feed and inbox events, its
-- read-model row and its reminders commit together (TaskStore). A task created before this migration
-- still has its state in OrleansStorage: its grain reads it there on activation and moves it here
-- (state row and whole history) in one transaction; the old row is left as it was and never read again.

-- The grain state (Orleans' version-tolerant binary format) and its write counter: a write names the
-- counter it read, so a stale activation fails instead of overwriting a newer state.
create table task_states (
    task_id    text primary key,
    etag       bigint not null,
    state      bytea not null,
    updated_at timestamptz not null default now()
);

-- A task's history, append-only: entry seq (1, 2, …) of task_id. The grain state keeps only the
-- latest entry, so a write costs the same at the 1,000th entry as at the 10th; GetTask reads the
-- history from here.
create table task_events (
    task_id text not null,
    seq     bigint not null,
    time    timestamptz not null,
    doc     jsonb not null,
    primary key (task_id, seq)
);

-- A task change is one batch of statements sent in one round trip and committed at its end, with no
-- COMMIT to wait for in between (the rows it locks, such as a feed's counter, stay locked only until
-- the WAL flush). Its first statement must stop it when the state row is not the one the grain read:
-- this raises serialization_failure ("stale task state"), which rolls the whole batch back.
create function task_state_stale(task_id text) returns bigint language plpgsql as $$
begin
    raise exception 'stale task state: tasks/%', task_id using errcode = 'serialization_failure';
end $$;
