-- Issue 12, intake: search before create, and counselling sessions.

-- The order-free key of a folded name (rm_cases.person_search holds the name without diacritics,
-- lower case): its words sorted, so "nguyen thi hang" and "hang nguyen thi" share one key. Must
-- agree with DuplicateScoring.NameKey (which also drops punctuation: person_search keeps it, so a
-- name with punctuation is found through its phone or not at all — rare in names).
create function intake_name_key(folded text) returns text
language sql immutable strict parallel safe as $$
    select coalesce(string_agg(w, ' ' order by w collate "C"), '')
    from unnest(string_to_array(folded, ' ')) as w
    where w <> ''
$$;

-- The phone keys of a case (the reporter's phone and any number in the family contact), digits
-- only, +84/84 written as 0. Retrieval only: DuplicateScoring.PhoneKeys decides the match.
create function intake_phone_keys(doc jsonb) returns text[]
language sql immutable strict parallel safe as $$
    select coalesce(array_agg(distinct k), '{}')
    from (
        select case
                   when d like '84%' and length(d) >= 11 then '0' || substr(d, 3)
                   when length(d) in (9, 10) and d not like '0%' and d not like '1800%' then '0' || d
                   else d
               end as k
        from (
            select regexp_replace(m[1], '[^0-9]', '', 'g') as d
            from regexp_matches(
                coalesce(doc #>> '{Details,Reporter,Phone}', '') || ' ; ' || coalesce(doc #>> '{Details,Person,FamilyContact}', ''),
                '(\+?[0-9][0-9 .()-]{5,}[0-9])', 'g') as m
        ) digits
    ) keys
    where length(k) between 8 and 12
$$;

create index rm_cases_name_key on rm_cases (intake_name_key(person_search));
create index rm_cases_phone_keys on rm_cases using gin (intake_phone_keys(doc));

-- Counselling sessions: one row per session (no grain: a session changes only when it is linked
-- to a case, under its version). Ids come from IdAllocator (kind "counselling"), so a retried
-- record reaches the same row.
create table counselling_sessions (
    id               text primary key,
    ward_id          text,              -- null: the Centre's city-wide session
    case_id          text,              -- null: anonymous, not (yet) linked to a case
    channel          integer not null,
    topics           integer[] not null,
    duration_minutes integer not null,
    counsellor       text not null,
    session_time     timestamptz not null,
    follow_up        boolean not null,
    version          bigint not null,
    last_request_id  text not null,
    doc              jsonb not null,
    create_time      timestamptz not null,
    update_time      timestamptz not null
);
create index counselling_sessions_time on counselling_sessions (session_time desc, id desc);
create index counselling_sessions_ward on counselling_sessions (ward_id, session_time desc, id desc);
create index counselling_sessions_case on counselling_sessions (case_id, session_time desc, id desc) where case_id is not null;
create index counselling_sessions_counsellor on counselling_sessions (counsellor, session_time desc, id desc);
