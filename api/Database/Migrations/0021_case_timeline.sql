-- Issue 14, bounded case state: a case's timeline, append-only, in its own table instead of in the
-- case grain's state (OrleansStorage), which grew with every entry and was rewritten whole on every
-- change. The grain state keeps the number of entries, the step before its tail, and only the tail
-- of entries not yet known to be here; the grain writes that tail here after its state write, in one
-- durable transaction with the report facts (case_events, case_steps), and drops it from the state
-- at its next state write. A crash between the state write and this insert leaves the tail in the
-- state, and the next activation writes it (on conflict do nothing). A case stored before this
-- migration has its whole timeline as its tail: its first activation writes it here and trims it.
--
-- Kept apart from case_events (0010): the reports read that table and it deliberately carries no
-- free text (notes, assessments, reasons other than a closing reason); this one is the case record
-- itself and is read only through the case (ListCaseTimeline, with the caller's access checked).

create table case_timeline (
    case_id         text not null,
    -- Entry number within the case, from 1 (TimelineEntry.Sequence).
    seq             bigint not null,
    time            timestamptz not null,
    actor_principal text not null,
    actor_name      text not null,
    actor_role      text not null,
    actor_scope     text not null,
    -- The contract method that made the entry, e.g. coordination.v1.CaseService/ApprovePlan.
    method          text not null,
    action          text not null,
    detail          text not null,
    resource        text not null,
    -- The case's step after the entry (CaseStep numbers; 0 for entries recorded before issue 11).
    step            integer not null,
    primary key (case_id, seq)
);
