-- Issue 14, performance at 1,000,000 cases and 3,000,000 tasks (clients/bench/run-scale.sh): the
-- indexes the case list's name search, an agency's overdue tasks and the ward summary need. Each
-- is built once, when the host that ships it first starts; on a large existing database that start
-- takes longer by the time of these builds (tens of seconds at a million cases): apply it ahead
-- with `Coordination.Api --migrate-only` before a rolling restart.

-- ListCases(person_name): person_search (folded: no diacritics, lower case) LIKE '%…%'. A trigram
-- index finds the rows of a name of three letters or more without reading a ward's whole list; with
-- the ward as its first column (btree_gin) a ward's search reads only that ward's matches, and a
-- city-wide search uses the trigram column alone. A shorter name has no trigram to look up:
-- ReadModelStore keeps such searches off this index (they walk the ward's newest cases instead).
-- pg_trgm and btree_gin ship with PostgreSQL (contrib) and are trusted: the database owner may create them.
create extension if not exists pg_trgm;
create extension if not exists btree_gin;
create index rm_cases_person_trgm on rm_cases using gin (ward_id, person_search gin_trgm_ops);

-- ListTasks(assignee, overdue) and the agency's open work: only open tasks, soonest due first (the
-- assignee index walked through years of finished tasks before the first open one).
create index rm_tasks_assignee_open on rm_tasks (assignee_id, due_time, id) where is_open;

-- Ward summary: open tasks by status and past due, open cases whose clock ran out, counted from the
-- index alone.
create index rm_tasks_ward_open on rm_tasks (ward_id, due_time) include (status) where is_open;
create index rm_cases_ward_due on rm_cases (ward_id, next_due) where is_open;
