using Coordination.Silo.Common;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.Cases;

/// <summary>
/// Case timelines, append-only (table <c>case_timeline</c>, migration 0021). The case grain writes
/// the tail of its state here after each state write and drops it from the state at the next one, so
/// this table, not the grain state, is where a case's timeline is kept.
/// </summary>
/// <remarks>
/// Writes go through the durable data source (synchronous commit), never the read model's: the
/// grain trims entries from its state once this write has returned, and an entry acknowledged here
/// but lost in a database crash would then exist nowhere.
/// </remarks>
public sealed class CaseTimelineStore(NpgsqlDataSource db)
{
    /// <summary>
    /// Inserts <paramref name="entries"/> of case <paramref name="caseId"/> (entries already there are
    /// left as they are) and runs <paramref name="also"/> (the report facts), in one transaction, sent
    /// in one round trip.
    /// </summary>
    public async Task AppendAsync(string caseId, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<NpgsqlBatchCommand> also)
    {
        await using var conn = await db.OpenConnectionAsync();
        // A batch is one implicit transaction, committed after its last statement.
        await using var batch = new NpgsqlBatch(conn);
        var insert = new NpgsqlBatchCommand("""
            insert into case_timeline (case_id, seq, time, actor_principal, actor_name, actor_role, actor_scope, method, action, detail, resource, step)
            select @id, u.* from unnest(@seqs, @times, @principals, @names, @roles, @scopes, @methods, @actions, @details, @resources, @steps)
                as u(seq, time, principal, name, role, scope, method, action, detail, resource, step)
            on conflict (case_id, seq) do nothing
            """);
        insert.Parameters.AddWithValue("id", caseId);
        insert.Parameters.AddWithValue("seqs", entries.Select(e => e.Sequence).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = entries.Select(e => e.Time).ToArray() });
        insert.Parameters.AddWithValue("principals", entries.Select(e => e.Actor.Principal).ToArray());
        insert.Parameters.AddWithValue("names", entries.Select(e => e.Actor.DisplayName).ToArray());
        insert.Parameters.AddWithValue("roles", entries.Select(e => e.Actor.Role).ToArray());
        insert.Parameters.AddWithValue("scopes", entries.Select(e => e.Actor.Scope).ToArray());
        insert.Parameters.AddWithValue("methods", entries.Select(e => e.Method).ToArray());
        insert.Parameters.AddWithValue("actions", entries.Select(e => e.Action).ToArray());
        insert.Parameters.AddWithValue("details", entries.Select(e => e.Detail).ToArray());
        insert.Parameters.AddWithValue("resources", entries.Select(e => e.Resource).ToArray());
        insert.Parameters.AddWithValue("steps", entries.Select(e => (int)e.Step).ToArray());
        batch.BatchCommands.Add(insert);
        foreach (var cmd in also)
        {
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Entries of case <paramref name="caseId"/> numbered above <paramref name="afterSequence"/>, oldest
    /// first, at most <paramref name="limit"/> of them (all with null).
    /// </summary>
    public async Task<TimelineEntry[]> ReadAsync(string caseId, long afterSequence = 0, int? limit = null, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select seq, time, actor_principal, actor_name, actor_role, actor_scope, method, action, detail, resource, step
            from case_timeline where case_id = @id and seq > @after order by seq limit @limit
            """);
        cmd.Parameters.AddWithValue("id", caseId);
        cmd.Parameters.AddWithValue("after", afterSequence);
        cmd.Parameters.AddWithValue("limit", NpgsqlDbType.Integer, (object?)limit ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var entries = new List<TimelineEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new TimelineEntry(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1),
                new Actor(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)),
                reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), (CaseStep)reader.GetInt32(10)));
        }
        return [.. entries];
    }
}
