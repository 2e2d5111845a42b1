using Coordination.Silo.Cases;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.ReadModel;

/// <summary>
/// Writes the case history the reports read (<c>case_events</c>, <c>case_steps</c>): called by the
/// case grain after its state write, like the read-model upsert, and idempotent in the same way
/// (events by case and sequence; the stays are rebuilt from the whole timeline).
/// </summary>
public sealed class ReportFacts(NpgsqlDataSource db)
{
    /// <summary>Writes the entries of <paramref name="timeline"/> from index <paramref name="from"/> on, and the case's stays.</summary>
    public async Task WriteCaseHistoryAsync(CaseRecord r, IReadOnlyList<TimelineEntry> timeline, int from)
    {
        var steps = CaseHistory.StepsOf(timeline);
        var n = timeline.Count - from;
        var seqs = new long[n];
        var times = new DateTimeOffset[n];
        var actions = new string[n];
        var stepNumbers = new int[n];
        var details = new string[n];
        var stepChanged = from == 0;
        for (var i = 0; i < n; i++)
        {
            var e = timeline[from + i];
            seqs[i] = e.Sequence;
            times[i] = e.Time;
            actions[i] = e.Action;
            stepNumbers[i] = (int)steps[from + i];
            details[i] = e.Action == "CASE_CLOSED" ? e.Detail : "";
            stepChanged |= from + i == 0 || steps[from + i] != steps[from + i - 1];
        }
        await using var batch = db.CreateBatch();
        var insert = new NpgsqlBatchCommand("""
            insert into case_events (case_id, seq, ward_id, cluster_id, time, action, step, detail)
            select @id, u.seq, @ward, @cluster, u.time, u.action, u.step, u.detail
            from unnest(@seqs, @times, @actions, @steps, @details) as u(seq, time, action, step, detail)
            on conflict (case_id, seq) do nothing
            """);
        insert.Parameters.AddWithValue("id", r.Id);
        insert.Parameters.AddWithValue("ward", r.WardId);
        insert.Parameters.AddWithValue("cluster", r.ClusterId);
        insert.Parameters.AddWithValue("seqs", seqs);
        insert.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times });
        insert.Parameters.AddWithValue("actions", actions);
        insert.Parameters.AddWithValue("steps", stepNumbers);
        insert.Parameters.AddWithValue("details", details);
        batch.BatchCommands.Add(insert);
        if (stepChanged)
        {
            var stays = CaseHistory.StaysOf(r.ReportTime, timeline, steps);
            var delete = new NpgsqlBatchCommand("delete from case_steps where case_id = @id");
            delete.Parameters.AddWithValue("id", r.Id);
            batch.BatchCommands.Add(delete);
            var add = new NpgsqlBatchCommand("""
                insert into case_steps (case_id, entered_at, left_at, step, ward_id, cluster_id)
                select @id, u.entered, case when u.still then 'infinity'::timestamptz else u.left_at end, u.step, @ward, @cluster
                from unnest(@entered, @left, @still, @steps) as u(entered, left_at, still, step)
                on conflict (case_id, entered_at) do nothing
                """);
            add.Parameters.AddWithValue("id", r.Id);
            add.Parameters.AddWithValue("ward", r.WardId);
            add.Parameters.AddWithValue("cluster", r.ClusterId);
            add.Parameters.Add(new NpgsqlParameter("entered", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = stays.Select(s => s.EnteredAt).ToArray() });
            add.Parameters.Add(new NpgsqlParameter("left", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = stays.Select(s => s.LeftAt ?? s.EnteredAt).ToArray(),
            });
            add.Parameters.AddWithValue("still", stays.Select(s => s.LeftAt is null).ToArray());
            add.Parameters.AddWithValue("steps", stays.Select(s => (int)s.Step).ToArray());
            batch.BatchCommands.Add(add);
        }
        await batch.ExecuteNonQueryAsync();
    }
}
