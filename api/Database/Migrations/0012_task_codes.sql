-- Issue 12, coded reasons and outcomes: the reports count rejected and failed tasks by reason code
-- and completed ones by outcome code. The task grain's projection fills both columns (the latest
-- rejection or failure code, and the code of the outcome); tasks before codes existed read 0
-- (unspecified), as the documents they were projected from hold no code.
alter table rm_tasks add column reason_code integer not null default 0;
alter table rm_tasks add column outcome_code integer not null default 0;
update rm_tasks set
    reason_code = coalesce((doc->>'StatusReasonCode')::int, 0),
    outcome_code = coalesce((doc->'Outcome'->>'OutcomeCode')::int, 0)
where doc ? 'StatusReasonCode' or jsonb_typeof(doc->'Outcome') = 'object';
