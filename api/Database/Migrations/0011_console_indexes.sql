-- Indexes the people's console needs at city scale (docs/benchmarks.md, the console at 100,000
-- cases): without them a ward summary and the city dashboard's emergency list scanned the whole
-- case table. (The fired reminders a case timeline merges in are indexed by 0010.)

-- Ward summaries: open cases by step and risk, and the flagged ones, from the index alone.
create index rm_cases_ward_open on rm_cases (ward_id, step, risk) where is_open;
create index rm_cases_flagged on rm_cases (ward_id, id) where is_open and flagged;

-- Lists by step (the emergencies of the city or of a ward), newest first.
create index rm_cases_step on rm_cases (step, report_time desc, id desc) where is_open;
create index rm_cases_ward_step on rm_cases (ward_id, step, report_time desc, id desc) where is_open;
