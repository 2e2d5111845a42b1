-- Orleans ADO.NET clustering and grain storage on PostgreSQL, written for this project.
--
-- Microsoft.Orleans.Clustering.AdoNet and Microsoft.Orleans.Persistence.AdoNet (10.4.2) ship no
-- schema. At start-up each provider runs `SELECT QueryKey, QueryText FROM OrleansQuery` and from
-- then on executes the stored text of each key with named parameters it fills in itself. So this
-- file owns three things: the tables, the query texts, and their agreement with what the providers
-- pass and read back. Each query below states its part of that contract: the parameters Orleans
-- binds, the result columns it reads by name, and what it takes as success or as a conflict.
--
-- Conventions:
--   * Table names are the ones Orleans operators know (orleansmembershiptable, ...), lower case and
--     unquoted; our tests and tooling query them. Columns are our own snake_case. The providers read
--     result columns by name (GetOrdinal), so every query aliases its output to the exact name
--     Orleans asks for, quoted ("Version").
--   * Parameters are written @Name; Npgsql rewrites them to positional $n and sends them typed
--     (int4, int8, text, bytea, timestamptz), so `@X is null` needs no casts.
--   * Every timestamp is timestamptz: Orleans hands Npgsql UTC DateTimes as DbType.DateTime, which
--     Npgsql sends as timestamptz. A `timestamp` column would silently shift them by the session
--     time zone.
--   * Reminders, streaming and the grain directory are not used, so none of their keys exist.

-- The query catalogue ------------------------------------------------------------------------------

-- The providers' SELECT is hard-coded and unquoted, so the table and its two columns must fold to
-- exactly these lower-case names (Npgsql then matches "QueryKey" to querykey case-insensitively).
create table orleansquery (
    querykey  text primary key,
    querytext text not null
);

-- Clustering ---------------------------------------------------------------------------------------

-- One row per cluster (Orleans calls the cluster id "DeploymentId"). Its version is the table-wide
-- optimistic-concurrency token: every membership insert or update must name the version it read
-- and moves it on by exactly one; Orleans expects Next() == read + 1.
create table orleansmembershipversiontable (
    deployment_id text primary key,
    version       integer not null default 0,
    updated_at    timestamptz not null default now()
);

-- One row per silo incarnation. A restarted silo gets a new generation, hence a new row.
-- status holds Orleans' SiloStatus as an integer (3 = Active, 6 = Dead).
-- suspect_times is Orleans' own encoding ("silo,date|silo,date"), stored and returned verbatim.
-- Deleting a cluster's version row takes its silo rows with it.
create table orleansmembershiptable (
    deployment_id   text not null references orleansmembershipversiontable (deployment_id) on delete cascade,
    address         text not null,
    port            integer not null,
    generation      integer not null,
    silo_name       text not null,
    host_name       text not null,
    status          integer not null,
    proxy_port      integer not null,
    suspect_times   text,
    start_time      timestamptz not null,
    i_am_alive_time timestamptz not null,
    primary key (deployment_id, address, port, generation)
);

-- Inserting a silo row and bumping the version must succeed or fail together, and must fail when
-- anyone else bumped the version since the caller read it. We lock the version row first, and only
-- if it still holds the expected version: under READ COMMITTED a concurrent writer that already
-- bumped it makes the re-checked WHERE fail, so exactly one of two racing callers gets true.
-- Nothing is written unless everything can be, so "false" always means "nothing changed".
create function orleans_membership_insert(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_silo_name       text,
    p_host_name       text,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_version         integer)
returns boolean
language plpgsql
as $fn$
begin
    perform 1
       from orleansmembershipversiontable
      where deployment_id = p_deployment_id
        and version = p_version
        for update;
    if not found then
        return false;   -- stale version (or no version row): the caller re-reads and retries
    end if;

    insert into orleansmembershiptable (
        deployment_id, address, port, generation, silo_name, host_name,
        status, proxy_port, suspect_times, start_time, i_am_alive_time)
    values (
        p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
        p_status, p_proxy_port, null, p_start_time, p_i_am_alive_time)
    on conflict do nothing;
    if not found then
        return false;   -- this incarnation is already registered; leave the version alone
    end if;

    update orleansmembershipversiontable
       set version = version + 1,
           updated_at = now()
     where deployment_id = p_deployment_id;
    return true;
end;
$fn$;

-- Same shape for an update of an existing silo row (status changes, suspicion votes).
create function orleans_membership_update(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_status          integer,
    p_suspect_times   text,
    p_i_am_alive_time timestamptz,
    p_version         integer)
returns boolean
language plpgsql
as $fn$
begin
    perform 1
       from orleansmembershipversiontable
      where deployment_id = p_deployment_id
        and version = p_version
        for update;
    if not found then
        return false;
    end if;

    update orleansmembershiptable
       set status = p_status,
           suspect_times = p_suspect_times,
           i_am_alive_time = p_i_am_alive_time
     where deployment_id = p_deployment_id
       and address = p_address
       and port = p_port
       and generation = p_generation;
    if not found then
        return false;   -- no such silo row: nothing to update, version untouched
    end if;

    update orleansmembershipversiontable
       set version = version + 1,
           updated_at = now()
     where deployment_id = p_deployment_id;
    return true;
end;
$fn$;

-- Grain storage ------------------------------------------------------------------------------------

-- One row per (service, grain type, grain id). A grain id is two bigints (integer and Guid keys)
-- plus an optional string: the whole key for string-keyed grains such as "ward-abc", or the key
-- extension for compound keys. The two hashes are the provider's own int32 hashes of id and type;
-- they lead the unique index so a lookup narrows fast, and the full key is always compared too,
-- because hashes collide.
-- NULLS NOT DISTINCT (PostgreSQL 15+) makes "no extension string" one value, so two rows for the
-- same grain can never coexist; a btree entry is limited to about 2.7 kB, far above our keys.
-- version is the grain's ETag: 1 on first write, +1 on every write or clear.
-- payload_binary is null after a clear (the row stays, so the version keeps counting).
create table orleansstorage (
    id                        bigint generated always as identity primary key,
    service_id                text not null,
    grain_type_hash           integer not null,
    grain_type_string         text not null,
    grain_id_hash             integer not null,
    grain_id_n0               bigint not null,
    grain_id_n1               bigint not null,
    grain_id_extension_string text,
    payload_binary            bytea,
    version                   integer not null,
    modified_on               timestamptz not null default now(),
    constraint orleansstorage_grain_key unique nulls not distinct (
        grain_id_hash, grain_type_hash, service_id, grain_type_string,
        grain_id_n0, grain_id_n1, grain_id_extension_string)
);

-- The query texts ----------------------------------------------------------------------------------
-- Dollar-quoted so the texts need no escaping. Each is one statement.

insert into orleansquery (querykey, querytext) values

-- Clustering: create the cluster's version row on first start. Must return exactly one row with
-- one column, read as a boolean: did this call create it.
('InsertMembershipVersionKey', $q$
with created as (
    insert into orleansmembershipversiontable (deployment_id)
    values (@DeploymentId)
    on conflict (deployment_id) do nothing
    returning 1)
select exists (select 1 from created) as "Created"
$q$),

-- Clustering: one silo's row. Always at least one row: the version row, joined to the silo row if
-- there is one (silo columns null when not). Orleans takes the table version from the first row
-- and treats a null StartTime as "no such silo".
('MembershipReadRowKey', $q$
select m.address         as "Address",
       m.port            as "Port",
       m.generation      as "Generation",
       m.silo_name       as "SiloName",
       m.host_name       as "HostName",
       m.status          as "Status",
       m.proxy_port      as "ProxyPort",
       m.suspect_times   as "SuspectTimes",
       m.start_time      as "StartTime",
       m.i_am_alive_time as "IAmAliveTime",
       v.version         as "Version"
  from orleansmembershipversiontable v
  left join orleansmembershiptable m
         on m.deployment_id = v.deployment_id
        and m.address = @Address
        and m.port = @Port
        and m.generation = @Generation
 where v.deployment_id = @DeploymentId
$q$),

-- Clustering: every silo row of the cluster, same shape and same "at least one row" rule.
('MembershipReadAllKey', $q$
select m.address         as "Address",
       m.port            as "Port",
       m.generation      as "Generation",
       m.silo_name       as "SiloName",
       m.host_name       as "HostName",
       m.status          as "Status",
       m.proxy_port      as "ProxyPort",
       m.suspect_times   as "SuspectTimes",
       m.start_time      as "StartTime",
       m.i_am_alive_time as "IAmAliveTime",
       v.version         as "Version"
  from orleansmembershipversiontable v
  left join orleansmembershiptable m
         on m.deployment_id = v.deployment_id
 where v.deployment_id = @DeploymentId
$q$),

-- Clustering: register a silo. @Version is the table version the caller read (Orleans passes the
-- read ETag, not the next version). One boolean row: true only if the row was added and the
-- version moved on.
('InsertMembershipKey', $q$
select orleans_membership_insert(
           @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) as "Succeeded"
$q$),

-- Clustering: change a silo's status / suspicion votes under the same version rule.
('UpdateMembershipKey', $q$
select orleans_membership_update(
           @DeploymentId, @Address, @Port, @Generation,
           @Status, @SuspectTimes, @IAmAliveTime, @Version) as "Succeeded"
$q$),

-- Clustering: heartbeat. Not versioned; the result is not read.
('UpdateIAmAlivetimeKey', $q$
update orleansmembershiptable
   set i_am_alive_time = @IAmAliveTime
 where deployment_id = @DeploymentId
   and address = @Address
   and port = @Port
   and generation = @Generation
$q$),

-- Clustering: gateways for Orleans clients; Orleans passes @Status = 3 (Active). Required by the
-- provider's start-up check even though our silo is co-hosted and has no gateway (port 0).
('GatewaysQueryKey', $q$
select address    as "Address",
       proxy_port as "ProxyPort",
       generation as "Generation"
  from orleansmembershiptable
 where deployment_id = @DeploymentId
   and status = @Status
   and proxy_port > 0
$q$),

-- Clustering: forget a whole cluster (tests and tooling). The cascade removes its silo rows.
('DeleteMembershipTableEntriesKey', $q$
delete from orleansmembershipversiontable
 where deployment_id = @DeploymentId
$q$),

-- Clustering: bulk clean-up of long-dead silos. Required by the start-up check, but 10.4.2 only
-- runs it when CleanupDefunctSiloEntryKey (below) is absent.
('CleanupDefunctSiloEntriesKey', $q$
delete from orleansmembershiptable
 where deployment_id = @DeploymentId
   and status = 6
   and i_am_alive_time < @IAmAliveTime
$q$),

-- Clustering (optional key, preferred by 10.4.2): Orleans reads all rows, picks the dead ones old
-- enough, and deletes each only if it still holds the values it saw, so a row that changed in
-- between survives. The timestamps compare exactly: they are the values Orleans read from here.
('CleanupDefunctSiloEntryKey', $q$
delete from orleansmembershiptable
 where deployment_id = @DeploymentId
   and address = @Address
   and port = @Port
   and generation = @Generation
   and status = 6
   and start_time = @StartTime
   and i_am_alive_time = @IAmAliveTime
   and suspect_times is not distinct from @SuspectTimes
$q$),

-- Storage: read a grain's state. Zero rows (never written) or exactly one (the provider calls
-- SingleOrDefault). PayloadBinary null means "cleared"; Version is the ETag either way.
('ReadFromStorageKey', $q$
select s.payload_binary as "PayloadBinary",
       s.version        as "Version"
  from orleansstorage s
 where s.grain_id_hash = @GrainIdHash
   and s.grain_type_hash = @GrainTypeHash
   and s.service_id = @ServiceId
   and s.grain_type_string = @GrainTypeString
   and s.grain_id_n0 = @GrainIdN0
   and s.grain_id_n1 = @GrainIdN1
   and s.grain_id_extension_string is not distinct from @GrainIdExtensionString
$q$),

-- Storage: write a grain's state. @GrainStateVersion is the ETag the grain holds: null means it
-- believes no row exists (insert version 1), a number means "update if still at this version".
-- Always exactly one row with NewGrainStateVersion: the new version on success, null on a
-- conflict, which the provider turns into InconsistentStateException.
('WriteToStorageKey', $q$
with updated as (
    update orleansstorage s
       set payload_binary = @PayloadBinary,
           version = s.version + 1,
           modified_on = now()
     where @GrainStateVersion is not null
       and s.grain_id_hash = @GrainIdHash
       and s.grain_type_hash = @GrainTypeHash
       and s.service_id = @ServiceId
       and s.grain_type_string = @GrainTypeString
       and s.grain_id_n0 = @GrainIdN0
       and s.grain_id_n1 = @GrainIdN1
       and s.grain_id_extension_string is not distinct from @GrainIdExtensionString
       and s.version = @GrainStateVersion
    returning s.version),
inserted as (
    insert into orleansstorage (
        service_id, grain_type_hash, grain_type_string, grain_id_hash,
        grain_id_n0, grain_id_n1, grain_id_extension_string, payload_binary, version)
    select @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash,
           @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
     where @GrainStateVersion is null
    on conflict on constraint orleansstorage_grain_key do nothing
    returning version)
select (select version from updated
        union all
        select version from inserted) as "NewGrainStateVersion"
$q$),

-- Storage: clear a grain's state, keeping the row so the version keeps counting. One row with the
-- new version on success; no row on a version conflict (read by the provider as a conflict).
('ClearStorageKey', $q$
update orleansstorage s
   set payload_binary = null,
       version = s.version + 1,
       modified_on = now()
 where s.grain_id_hash = @GrainIdHash
   and s.grain_type_hash = @GrainTypeHash
   and s.service_id = @ServiceId
   and s.grain_type_string = @GrainTypeString
   and s.grain_id_n0 = @GrainIdN0
   and s.grain_id_n1 = @GrainIdN1
   and s.grain_id_extension_string is not distinct from @GrainIdExtensionString
   and s.version = @GrainStateVersion
returning s.version as "NewGrainStateVersion"
$q$),

-- Storage (optional key): used instead of ClearStorageKey only with DeleteStateOnClear = true.
-- Removes the row; the returned value only has to differ from the grain's ETag to count as
-- success (the provider then forgets the ETag), so it is the version the row would have had next.
('DeleteStorageKey', $q$
delete from orleansstorage s
 where s.grain_id_hash = @GrainIdHash
   and s.grain_type_hash = @GrainTypeHash
   and s.service_id = @ServiceId
   and s.grain_type_string = @GrainTypeString
   and s.grain_id_n0 = @GrainIdN0
   and s.grain_id_n1 = @GrainIdN1
   and s.grain_id_extension_string is not distinct from @GrainIdExtensionString
   and s.version = @GrainStateVersion
returning s.version + 1 as "NewGrainStateVersion"
$q$);
