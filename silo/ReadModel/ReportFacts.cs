using Coordination.Silo.Cases;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.ReadModel;

/// <summary>
/// Writes the case history the reports read (<c>case_events</c>, <c>case_steps</c>): the case grain
/// sends these statements with its timeline entries after its state write (<see cref="CaseTimelineStore"/>),
/// idempotent in the same way (events by case and sequence; the stays are rebuilt from the case's
/// events whenever an entry changes its step).
/// </summary>
public sealed class ReportFacts(NpgsqlDataSource db)
{
    /// <summary>
    /// Writes the entries of <paramref name="timeline"/> from index <paramref name="from"/> on, and the
    /// case's stays (a whole timeline at hand: tests and tools that write facts directly).
    /// </summary>
    public async Task WriteCaseHistoryAsync(CaseRecord r, IReadOnlyList<TimelineEntry> timeline, int from)
    {
        var steps = CaseHistory.StepsOf(timeline);
        var entries = timeline.Skip(from).ToArray();
        var commands = CaseHistoryCommands(r, entries, steps[from..], rebuildStays: true);
        await using var batch = db.CreateBatch();
        foreach (var cmd in commands)
        {
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The statements that write <paramref name="entries"/> (the step after each in
    /// <paramref name="steps"/>) to the report facts, and rebuild the case's stays from all its
    /// events when <paramref name="rebuildStays"/>. Only a closing entry's detail is copied: notes and
    /// assessments are no report's business.
    /// </summary>
    public static IReadOnlyList<NpgsqlBatchCommand> CaseHistoryCommands(CaseRecord r, IReadOnlyList<TimelineEntry> entries, CaseStep[] steps, bool rebuildStays)
    {
        var commands = new List<NpgsqlBatchCommand>(3);
        if (entries.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("""
                insert into case_events (case_id, seq, ward_id, cluster_id, time, action, step, detail)
                select @id, u.seq, @ward, @cluster, u.time, u.action, u.step, u.detail
                from unnest(@seqs, @times, @actions, @steps, @details) as u(seq, time, action, step, detail)
                on conflict (case_id, seq) do nothing
                """);
            insert.Parameters.AddWithValue("id", r.Id);
            insert.Parameters.AddWithValue("ward", r.WardId);
            insert.Parameters.AddWithValue("cluster", r.ClusterId);
            insert.Parameters.AddWithValue("seqs", entries.Select(e => e.Sequence).ToArray());
            insert.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = entries.Select(e => e.Time).ToArray() });
            insert.Parameters.AddWithValue("actions", entries.Select(e => e.Action).ToArray());
            insert.Parameters.AddWithValue("steps", steps.Select(s => (int)s).ToArray());
            insert.Parameters.AddWithValue("details", entries.Select(e => e.Action == "CASE_CLOSED" ? e.Detail : "").ToArray());
            commands.Add(insert);
        }
        if (rebuildStays)
        {
            var delete = new NpgsqlBatchCommand("delete from case_steps where case_id = @id");
            delete.Parameters.AddWithValue("id", r.Id);
            commands.Add(delete);
            // CaseHistory.StaysOf in SQL, over every event of the case (written just before, in the same
            // transaction): a stay starts at each change of step (the first at the report time when the
            // report came before the case was opened in the platform) and ends at the next change;
            // stays in no step or in Closed are not kept.
            var add = new NpgsqlBatchCommand($"""
                insert into case_steps (case_id, entered_at, left_at, step, ward_id, cluster_id)
                select @id, s.entered, coalesce(s.left_at, 'infinity'::timestamptz), s.step, @ward, @cluster
                from (
                    select c.step, c.at as entered, lead(c.at) over (order by c.seq) as left_at
                    from (
                        select e.seq, e.step, lag(e.step) over (order by e.seq) as prev,
                               case when e.seq = min(e.seq) over () and @report < e.time then @report else e.time end as at
                        from case_events e where e.case_id = @id
                    ) c
                    where c.prev is distinct from c.step
                ) s
                where s.step not in ({(int)CaseStep.Unspecified}, {(int)CaseStep.Closed})
                on conflict (case_id, entered_at) do nothing
                """);
            add.Parameters.AddWithValue("id", r.Id);
            add.Parameters.AddWithValue("ward", r.WardId);
            add.Parameters.AddWithValue("cluster", r.ClusterId);
            add.Parameters.AddWithValue("report", r.ReportTime);
            commands.Add(add);
        }
        return commands;
    }
}
