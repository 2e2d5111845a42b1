-- Background passes that look for rows an earlier version (or a crash between a grain's state write
-- and its projection) left without follow-ups or history remember how far they have looked: the next
-- start looks only at rows changed since then, instead of every case and task (at a million cases the
-- full scan took minutes after every start). done_through is the time up to which every row was looked
-- at, kept an hour before the pass began so that a write in flight during the pass is looked at again.
create table maintenance_marks (
    name         text primary key,
    done_through timestamptz not null
);
