using System.Text.Json;
using Coordination.Silo.Common;
using Coordination.Silo.ReadModel;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.Counselling;

/// <summary>
/// Counselling sessions in their table (migration 0015). A session is written once and changes only
/// when linked to a case, under its version, so a table serves where a grain would add nothing.
/// Retries are safe: the id comes from <see cref="IdAllocator"/> per (caller, request id), and the
/// insert of an id that exists changes nothing.
/// </summary>
public sealed class CounsellingStore(NpgsqlDataSource db)
{
    private const string Columns = "doc";

    /// <summary>Inserts the session <paramref name="id"/> unless it exists; returns the stored one.</summary>
    public async Task<CounsellingRecord> RecordAsync(string id, CounsellingDetails details, Actor recordedBy, string requestId, DateTimeOffset now, CancellationToken ct)
    {
        var record = new CounsellingRecord(id, details, recordedBy, 1, now, now);
        await using (var cmd = db.CreateCommand("""
            insert into counselling_sessions (id, ward_id, case_id, channel, topics, duration_minutes, counsellor, session_time,
                follow_up, version, last_request_id, doc, create_time, update_time)
            values (@id, @ward, @case, @channel, @topics, @minutes, @counsellor, @time, @follow, 1, @rid, @doc, @now, @now)
            on conflict (id) do nothing
            """))
        {
            AddRow(cmd, record, requestId);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return await GetAsync(id, ct) ?? throw new InvalidOperationException("A recorded counselling session is missing.");
    }

    /// <summary>The session, or null.</summary>
    public async Task<CounsellingRecord?> GetAsync(string id, CancellationToken ct)
    {
        var rows = await QueryAsync($"select {Columns} from counselling_sessions where id = @id", ct, P("id", id));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Links <paramref name="id"/> to <paramref name="caseId"/> if its version is still
    /// <paramref name="expectedVersion"/>. A retry (same request id) or a link already in place
    /// returns the session as it is.
    /// </summary>
    public async Task<CounsellingRecord> LinkAsync(string id, string caseId, string? caseWardId, long expectedVersion, string requestId, DateTimeOffset now, CancellationToken ct)
    {
        var current = await GetAsync(id, ct) ?? throw new NotFoundException("counsellingSessions/" + id);
        if (current.Details.CaseId == caseId || await LastRequestAsync(id, ct) == requestId)
        {
            return current;
        }
        if (current.Version != expectedVersion)
        {
            throw new StaleEtagException("counsellingSessions/" + id, Etags.For(current.Version));
        }
        // A Centre session linked to a ward's case becomes that ward's, so the ward sees it with the case.
        var linked = current with
        {
            Details = current.Details with { CaseId = caseId, WardId = current.Details.WardId ?? caseWardId },
            Version = current.Version + 1, UpdateTime = now,
        };
        await using var cmd = db.CreateCommand("""
            update counselling_sessions set case_id = @case, ward_id = @ward, version = @version, last_request_id = @rid,
                doc = @doc, update_time = @now
            where id = @id and version = @expected
            """);
        AddRow(cmd, linked, requestId);
        cmd.Parameters.Add(P("expected", expectedVersion));
        if (await cmd.ExecuteNonQueryAsync(ct) == 0)
        {
            var now2 = await GetAsync(id, ct);
            throw new StaleEtagException("counsellingSessions/" + id, Etags.For(now2?.Version ?? 0));
        }
        return linked;
    }

    /// <summary>Sessions matching <paramref name="f"/>, newest first, after the keyset cursor.</summary>
    public Task<IReadOnlyList<CounsellingRecord>> ListAsync(CounsellingFilter f, (DateTimeOffset Time, string Id)? after, int limit, CancellationToken ct) =>
        QueryAsync(
            $"""
            select {Columns} from counselling_sessions
            where (not @own_ward or ward_id = @ward)
              and (@ward::text is null or ward_id = @ward)
              and (@case::text is null or case_id = @case)
              and (@counsellor::text is null or counsellor = @counsellor)
              and (@from::timestamptz is null or session_time >= @from)
              and (@before::timestamptz is null or session_time < @before)
              and (@after_time::timestamptz is null or (session_time, id) < (@after_time, @after_id))
            order by session_time desc, id desc
            limit @limit
            """,
            ct, P("own_ward", f.OwnWardOnly), P("ward", f.WardId, NpgsqlDbType.Text), P("case", f.CaseId, NpgsqlDbType.Text),
            P("counsellor", f.Counsellor, NpgsqlDbType.Text), P("from", f.From, NpgsqlDbType.TimestampTz), P("before", f.Before, NpgsqlDbType.TimestampTz),
            P("after_time", after?.Time, NpgsqlDbType.TimestampTz), P("after_id", after?.Id ?? "", NpgsqlDbType.Text), P("limit", limit));

    /// <summary>
    /// Counts of the sessions held in [<paramref name="start"/>, <paramref name="end"/>) in a ward, a
    /// cluster's wards, or (both null) the whole city including the Centre's city-wide sessions.
    /// </summary>
    public async Task<CounsellingCounts> CountAsync(DateTimeOffset start, DateTimeOffset end, string? wardId, string? clusterId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            with s as (
                select channel, topics, follow_up, case_id, duration_minutes from counselling_sessions
                where session_time >= @start and session_time < @end
                  and (@ward::text is null or ward_id = @ward)
                  and (@cluster::text is null or ward_id in (select id from rm_wards where cluster_id = @cluster))
            )
            select 'total', 0, count(*) from s
            union all select 'follow_up', 0, count(*) from s where follow_up
            union all select 'without_case', 0, count(*) from s where case_id is null
            union all select 'minutes', 0, coalesce(sum(duration_minutes), 0) from s
            union all select 'channel', channel, count(*) from s group by channel
            union all select 'topic', t, count(*) from s, unnest(topics) as t group by t
            """);
        cmd.Parameters.Add(P("start", start));
        cmd.Parameters.Add(P("end", end));
        cmd.Parameters.Add(P("ward", wardId, NpgsqlDbType.Text));
        cmd.Parameters.Add(P("cluster", clusterId, NpgsqlDbType.Text));
        var counts = new CounsellingCounts();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (group, key, n) = (reader.GetString(0), reader.GetInt32(1), Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
            switch (group)
            {
                case "total": counts.Sessions = n; break;
                case "follow_up": counts.FollowUpNeeded = n; break;
                case "without_case": counts.WithoutCase = n; break;
                case "minutes": counts.TotalMinutes = n; break;
                case "channel": counts.ByChannel[(CounsellingChannel)key] = n; break;
                default: counts.ByTopic[(CounsellingTopic)key] = n; break;
            }
        }
        return counts;
    }

    private async Task<string?> LastRequestAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select last_request_id from counselling_sessions where id = @id");
        cmd.Parameters.Add(P("id", id));
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static void AddRow(NpgsqlCommand cmd, CounsellingRecord r, string requestId)
    {
        var d = r.Details;
        cmd.Parameters.Add(P("id", r.Id));
        cmd.Parameters.Add(P("ward", d.WardId, NpgsqlDbType.Text));
        cmd.Parameters.Add(P("case", d.CaseId, NpgsqlDbType.Text));
        cmd.Parameters.Add(P("channel", (int)d.Channel));
        cmd.Parameters.Add(P("topics", d.Topics.Select(t => (int)t).ToArray()));
        cmd.Parameters.Add(P("minutes", d.DurationMinutes));
        cmd.Parameters.Add(P("counsellor", d.Counsellor));
        cmd.Parameters.Add(P("time", d.SessionTime));
        cmd.Parameters.Add(P("follow", d.FollowUpNeeded));
        cmd.Parameters.Add(P("version", r.Version));
        cmd.Parameters.Add(P("rid", requestId));
        cmd.Parameters.Add(P("doc", JsonSerializer.Serialize(r, ReadModelStore.Json), NpgsqlDbType.Jsonb));
        cmd.Parameters.Add(P("now", r.UpdateTime));
    }

    private static NpgsqlParameter P(string name, object? value, NpgsqlDbType? type = null)
    {
        var p = new NpgsqlParameter(name, value ?? DBNull.Value);
        if (type is { } t)
        {
            p.NpgsqlDbType = t;
        }
        return p;
    }

    private async Task<IReadOnlyList<CounsellingRecord>> QueryAsync(string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<CounsellingRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize<CounsellingRecord>(reader.GetString(0), ReadModelStore.Json)
                ?? throw new InvalidOperationException("A counselling row holds no document."));
        }
        return result;
    }
}
