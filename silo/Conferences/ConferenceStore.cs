using System.Text.Json;
using Coordination.Silo.Cases;
using Coordination.Silo.ReadModel;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.Conferences;

/// <summary>
/// Conference rows in PostgreSQL: the read model behind ListConferences,
/// the agenda candidates (from rm_cases and rm_tasks, never by activating case grains), the
/// departments of a cluster, and the numbering of extraordinary conferences.
/// </summary>
public sealed class ConferenceStore(NpgsqlDataSource db)
{
    /// <summary>Upserts a conference row (an older version never overwrites a newer one).</summary>
    public async Task UpsertAsync(ConferenceRecord r)
    {
        await using var cmd = db.CreateCommand("""
            insert into rm_conferences as t (id, version, cluster_id, status, start_time, preparation_time, doc, updated_at)
            values (@id, @version, @cluster, @status, @start, @prep, @doc, now())
            on conflict (id) do update set version = excluded.version, cluster_id = excluded.cluster_id,
                status = excluded.status, start_time = excluded.start_time, preparation_time = excluded.preparation_time,
                doc = excluded.doc, updated_at = now()
            where t.version < excluded.version
            """);
        cmd.Parameters.AddWithValue("id", r.Key);
        cmd.Parameters.AddWithValue("version", r.Version);
        cmd.Parameters.AddWithValue("cluster", r.ClusterId);
        cmd.Parameters.AddWithValue("status", (int)r.Status);
        cmd.Parameters.AddWithValue("start", r.StartTime);
        cmd.Parameters.AddWithValue("prep", r.PreparationTime);
        cmd.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(r, ReadModelStore.Json) });
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Conferences of the given clusters (null = all), soonest start first, after the keyset cursor.
    /// </summary>
    public async Task<IReadOnlyList<ConferenceRecord>> ListAsync(
        string[]? clusterIds, (DateTimeOffset Time, string Id)? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select doc from rm_conferences
            where (@clusters::text[] is null or cluster_id = any(@clusters))
              and (@after_time::timestamptz is null or (start_time, id) > (@after_time, @after_id))
            order by start_time, id
            limit @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter("clusters", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)clusterIds ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("after_time", NpgsqlDbType.TimestampTz) { Value = (object?)after?.Time ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("after_id", NpgsqlDbType.Text) { Value = after?.Id ?? "" });
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<ConferenceRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize<ConferenceRecord>(reader.GetString(0), ReadModelStore.Json)!);
        }
        return result;
    }

    /// <summary>
    /// Open cases of <paramref name="wardIds"/> that may belong on the agenda at <paramref name="now"/>:
    /// flagged, with overdue open tasks, reported before <paramref name="longOpenBefore"/>, or an
    /// emergency since <paramref name="emergencySince"/>. <see cref="AgendaRules"/> decides.
    /// </summary>
    public async Task<IReadOnlyList<AgendaCandidate>> AgendaCandidatesAsync(
        string[] wardIds, DateTimeOffset now, DateTimeOffset longOpenBefore, DateTimeOffset emergencySince)
    {
        await using var cmd = db.CreateCommand("""
            with overdue as (
                select case_id, count(*) as n from rm_tasks
                where ward_id = any(@wards) and is_open and due_time < @now and case_id <> ''
                group by case_id),
            emergency as (
                select case_id, max((doc->>'CreateTime')::timestamptz) as latest from rm_tasks
                where ward_id = any(@wards) and kind = @emergency_kind and case_id <> ''
                group by case_id)
            select c.id, c.ward_id, c.step, c.risk, c.flagged, coalesce(c.doc->'ConferenceFlag'->>'Reason', ''),
                   c.report_time, coalesce(o.n, 0), e.latest
            from rm_cases c
            left join overdue o on o.case_id = c.id
            left join emergency e on e.case_id = c.id
            where c.ward_id = any(@wards) and c.is_open
              and (c.flagged or o.n > 0 or c.report_time < @long_open
                   or ((c.risk = @serious or c.step = @emergency_step) and c.report_time >= @since)
                   or e.latest >= @since)
            """);
        cmd.Parameters.AddWithValue("wards", wardIds);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("long_open", longOpenBefore);
        cmd.Parameters.AddWithValue("since", emergencySince);
        cmd.Parameters.AddWithValue("serious", (int)RiskLevel.Serious);
        cmd.Parameters.AddWithValue("emergency_step", (int)CaseStep.Emergency);
        cmd.Parameters.AddWithValue("emergency_kind", (int)Tasks.TaskKind.Emergency);
        await using var reader = await cmd.ExecuteReaderAsync();
        var result = new List<AgendaCandidate>();
        while (await reader.ReadAsync())
        {
            result.Add(new AgendaCandidate(
                reader.GetString(0), reader.GetString(1), (CaseStep)reader.GetInt32(2), (RiskLevel)reader.GetInt32(3),
                reader.GetBoolean(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), (int)reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
        }
        return result;
    }

    /// <summary>The departments of a cluster: every agency whose ward is one of <paramref name="wardIds"/>.</summary>
    public async Task<IReadOnlyList<string>> DepartmentsAsync(string[] wardIds)
    {
        await using var cmd = db.CreateCommand("select id from rm_agencies where ward_id = any(@wards) order by id");
        cmd.Parameters.AddWithValue("wards", wardIds);
        await using var reader = await cmd.ExecuteReaderAsync();
        var result = new List<string>();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }
        return result;
    }

    /// <summary>
    /// The id of a new extraordinary conference in <paramref name="clusterId"/>'s
    /// <paramref name="quarter"/>: <c>2026-q4-x1</c>, <c>-x2</c>, ... The same request id always gets the same id.
    /// </summary>
    public async Task<string> AllocateExtraordinaryAsync(string clusterId, string quarter, string principal, string requestId)
    {
        var scope = $"conference:{clusterId}:{principal}";
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var find = new NpgsqlCommand("select id from id_requests where scope = @s and request_id = @r", conn, tx))
        {
            find.Parameters.AddWithValue("s", scope);
            find.Parameters.AddWithValue("r", requestId);
            if (await find.ExecuteScalarAsync() is string existing)
            {
                return existing;
            }
        }
        long n;
        // id_counters is keyed by (kind, year): the kind names the cluster and quarter.
        await using (var next = new NpgsqlCommand("""
            insert into id_counters (kind, year, last) values (@k, 0, 1)
            on conflict (kind, year) do update set last = id_counters.last + 1
            returning last
            """, conn, tx))
        {
            next.Parameters.AddWithValue("k", $"conference-x:{clusterId}:{quarter}");
            n = (long)(await next.ExecuteScalarAsync())!;
        }
        await using (var record = new NpgsqlCommand(
            "insert into id_requests (scope, request_id, id) values (@s, @r, @i) on conflict do nothing", conn, tx))
        {
            record.Parameters.AddWithValue("s", scope);
            record.Parameters.AddWithValue("r", requestId);
            record.Parameters.AddWithValue("i", ConferenceKeys.Extraordinary(quarter, n));
            if (await record.ExecuteNonQueryAsync() == 0)
            {
                // A concurrent retry of the same request won the race: use its number.
                await tx.RollbackAsync();
                return await AllocateExtraordinaryAsync(clusterId, quarter, principal, requestId);
            }
        }
        await tx.CommitAsync();
        return ConferenceKeys.Extraordinary(quarter, n);
    }
}
