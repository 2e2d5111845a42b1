-- Append-only audit trail of every read and change of a case or task.
create table audit_events (
    id        bigint generated always as identity primary key,
    time      timestamptz not null,
    principal text not null,
    role      text not null,
    scope     text not null,
    method    text not null,
    resource  text not null,
    outcome   text not null
);
create index audit_events_resource on audit_events (resource, id desc);
create index audit_events_principal on audit_events (principal, id desc);

-- Append-only: the table refuses updates and deletes, whoever asks.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_events is append-only';
end $$;
create trigger audit_events_no_change before update or delete on audit_events
    for each row execute function audit_events_append_only();
