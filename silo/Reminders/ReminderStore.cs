using Coordination.Silo.Common;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Collections.Concurrent;
using Npgsql;

namespace Coordination.Silo.Reminders;

/// <summary>When a task's follow-ups fall due (section <c>Reminders</c>).</summary>
public sealed class FollowUpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Reminders";

    /// <summary>DUE_SOON this many working days before the due time.</summary>
    public int DueSoonWorkingDays { get; set; } = 2;

    /// <summary>ESCALATED to the assigner's office this many working days after the due time.</summary>
    public int EscalateAfterWorkingDays { get; set; } = 1;

    /// <summary>Then to the Centre this many working days after that.</summary>
    public int EscalateToCentreAfterWorkingDays { get; set; } = 2;

    /// <summary>An emergency task not accepted within this time is escalated.</summary>
    public TimeSpan EmergencyAcceptWithin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The ward is warned this long before the emergency-measures clock runs out.</summary>
    public TimeSpan EmergencyWarningBefore { get; set; } = TimeSpan.FromHours(3);

    /// <summary>A case's plan or approval deadline: warn this many working days before.</summary>
    public int CaseDueSoonWorkingDays { get; set; } = 1;

    /// <summary>A case deadline missed this many working days ago goes to the Centre.</summary>
    public int CaseEscalateAfterWorkingDays { get; set; } = 1;

    /// <summary>An intervention lasting this many months gets a review with the Centre.</summary>
    public int LongInterventionMonths { get; set; } = 6;

    /// <summary>How often the sweeper looks for due reminders.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// What a reminder is. The task kinds keep the numbers of the feed events they produce in the
/// agency's feed; never renumber (the numbers are stored).
/// </summary>
public enum ReminderKind
{
    /// <summary>Task due soon (agency feed).</summary>
    TaskDueSoon = 5,
    /// <summary>Task overdue (agency feed).</summary>
    TaskOverdue = 6,
    /// <summary>Task late: escalated to the assigner's office (and told to the agency).</summary>
    TaskEscalated = 7,
    /// <summary>Task still late: escalated to the Centre.</summary>
    TaskEscalatedToCentre = 8,
    /// <summary>Emergency task not accepted in time: to the assigner's office and the Centre.</summary>
    TaskNotAccepted = 9,
    /// <summary>A case clock is about to run out (ward office).</summary>
    CaseDueSoon = 20,
    /// <summary>A case clock ran out (ward office; the Centre too for emergency measures).</summary>
    CaseOverdue = 21,
    /// <summary>A case clock ran out some time ago: escalated to the Centre.</summary>
    CaseEscalated = 22,
    /// <summary>The monthly review of a case in intervention is due (ward office).</summary>
    CaseReviewDue = 23,
    /// <summary>An intervention has lasted 6 months: review it (ward office and Centre).</summary>
    CaseLongReview = 24,
    /// <summary>A conference's preparation time.</summary>
    ConferencePrepare = 30,
}

/// <summary>Which kind of grain a reminder goes to.</summary>
public static class ReminderTargets
{
    /// <summary>A task grain.</summary>
    public const string Task = "task";
    /// <summary>A case grain.</summary>
    public const string Case = "case";
    /// <summary>A conference grain.</summary>
    public const string Conference = "conference";
}

/// <summary>One follow-up to schedule: what, when, and what the grain needs to know (e.g. a clock name).</summary>
public sealed record ReminderItem(ReminderKind Kind, DateTimeOffset DueAt, string Detail = "");

/// <summary>One due follow-up.</summary>
public sealed record DueReminder(string Key, string Target, string TargetId, ReminderKind Kind, DateTimeOffset DueAt, string Detail);

/// <summary>A reminder that fired, for timelines.</summary>
public sealed record FiredReminder(string TargetId, ReminderKind Kind, DateTimeOffset DueAt, DateTimeOffset FiredAt, string Detail);

/// <summary>The reminders table: scheduled by grains, swept by the Quartz job.</summary>
public sealed partial class ReminderStore(NpgsqlDataSource db, ILogger<ReminderStore> logger)
{
    private const int DeliveryParallelism = 32;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Makes the target's pending reminders exactly <paramref name="items"/> (idempotent).</summary>
    public async Task ScheduleAsync(string target, string targetId, IReadOnlyList<ReminderItem> items)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var cmd in ScheduleCommands(target, targetId, items))
        {
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    /// <summary>
    /// The statements of <see cref="ScheduleAsync"/>, for a caller that runs them in the transaction of
    /// its own change (<see cref="Tasks.TaskStore"/>).
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> ScheduleCommands(string target, string targetId, IReadOnlyList<ReminderItem> items)
    {
        var keys = items.Select(i => Key(targetId, i.Kind, i.DueAt, i.Detail)).ToArray();
        // Rows a sweeper holds are being delivered right now: skip them rather than wait (the sweeper
        // may be waiting on this very grain). Rows already due stay for the sweeper too (a warning
        // planned only "while ahead" must not vanish in the seconds before the sweep): their grain
        // decides whether they still apply.
        var drop = new NpgsqlBatchCommand("""
            delete from reminders where item_key in (
                select item_key from reminders
                where target_id = @t and target = @target and fired_at is null and not (item_key = any(@keys))
                  and due_at > now()
                for update skip locked)
            """);
        drop.Parameters.AddWithValue("t", targetId);
        drop.Parameters.AddWithValue("target", target);
        drop.Parameters.AddWithValue("keys", keys);
        yield return drop;
        if (items.Count > 0)
        {
            // One statement for all of them: a task schedules three or four, a bulk import thousands.
            var add = new NpgsqlBatchCommand("""
                insert into reminders (item_key, target, target_id, kind, due_at, detail)
                select k, @target, @t, kind, due, detail from unnest(@keys, @kinds, @dues, @details) as x(k, kind, due, detail)
                on conflict (item_key) do nothing
                """);
            add.Parameters.AddWithValue("target", target);
            add.Parameters.AddWithValue("t", targetId);
            add.Parameters.AddWithValue("keys", keys);
            add.Parameters.AddWithValue("kinds", items.Select(i => (int)i.Kind).ToArray());
            add.Parameters.AddWithValue("dues", items.Select(i => i.DueAt).ToArray());
            add.Parameters.AddWithValue("details", items.Select(i => i.Detail).ToArray());
            yield return add;
        }
    }

    /// <summary>Removes the target's pending reminders (the task completed or was cancelled, the case closed).</summary>
    public async Task CancelAsync(string target, string targetId)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { CancelCommand(target, targetId) } };
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>The statement of <see cref="CancelAsync"/>, for a caller's transaction (see <see cref="ScheduleCommands"/>).</summary>
    public static NpgsqlBatchCommand CancelCommand(string target, string targetId)
    {
        var cmd = new NpgsqlBatchCommand("""
            delete from reminders where item_key in (
                select item_key from reminders where target_id = @t and target = @target and fired_at is null
                for update skip locked)
            """);
        cmd.Parameters.AddWithValue("t", targetId);
        cmd.Parameters.AddWithValue("target", target);
        return cmd;
    }

    /// <summary>Reminders of these targets that fired and were acted on, oldest first.</summary>
    public async Task<IReadOnlyList<FiredReminder>> FiredAsync(string target, IReadOnlyList<string> targetIds, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select target_id, kind, due_at, fired_at, detail from reminders
            where target = @target and target_id = any(@ids) and fired_at is not null and delivered
            order by fired_at
            """);
        cmd.Parameters.AddWithValue("target", target);
        cmd.Parameters.AddWithValue("ids", targetIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<FiredReminder>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new FiredReminder(reader.GetString(0), (ReminderKind)reader.GetInt32(1),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        }
        return result;
    }

    /// <summary>
    /// Hands up to <paramref name="limit"/> due reminders to <paramref name="deliver"/> and marks
    /// those delivered as fired, all under row locks that other hosts' sweepers skip: each reminder
    /// goes to one host; one that fails stays due and is retried on the next sweep. Returns how many
    /// were delivered.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, int limit, Func<DueReminder, Task<bool>> deliver, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = new List<DueReminder>();
        await using (var select = new NpgsqlCommand("""
            select item_key, target, target_id, kind, due_at, detail from reminders
            where fired_at is null and due_at <= @now and (retry_at is null or retry_at <= @now)
            order by due_at limit @limit for update skip locked
            """, conn, tx))
        {
            select.Parameters.AddWithValue("now", now);
            select.Parameters.AddWithValue("limit", limit);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                due.Add(new DueReminder(reader.GetString(0), reader.GetString(1), reader.GetString(2), (ReminderKind)reader.GetInt32(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5)));
            }
        }
        // Different targets in parallel (each its own grain); a target's reminders in due order.
        var outcomes = new ConcurrentDictionary<string, bool>();
        await Parallel.ForEachAsync(due.GroupBy(r => (r.Target, r.TargetId)),
            new ParallelOptions { MaxDegreeOfParallelism = DeliveryParallelism, CancellationToken = ct },
            async (group, _) =>
            {
                foreach (var r in group)
                {
                    try
                    {
                        outcomes[r.Key] = await deliver(r);
                        PlatformMetrics.ReminderLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - r.DueAt).TotalSeconds));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Stays due; the next sweep tries again. Delivery is idempotent per reminder key.
                        PlatformMetrics.ReminderFailures.Add(1);
                        LogDeliveryFailed(r.Key, r.Target, r.TargetId, e.GetType().Name, e.Message);
                    }
                }
            });
        var delivered = outcomes.Keys.ToArray();
        var acted = delivered.Select(k => outcomes[k]).ToArray();
        await using (var mark = new NpgsqlCommand("""
            update reminders set fired_at = now(), delivered = x.acted
            from unnest(@keys, @acted) as x(k, acted) where item_key = x.k
            """, conn, tx))
        {
            mark.Parameters.AddWithValue("keys", delivered);
            mark.Parameters.AddWithValue("acted", acted);
            await mark.ExecuteNonQueryAsync(ct);
        }
        var failed = due.Select(r => r.Key).Except(delivered).ToArray();
        if (failed.Length > 0)
        {
            // Back off, so rows that keep failing (an unknown target during a rolling upgrade, a grain
            // that cannot load) do not fill every batch ahead of reminders that would succeed.
            await using var later = new NpgsqlCommand("update reminders set retry_at = @at where item_key = any(@keys)", conn, tx);
            later.Parameters.AddWithValue("at", now + RetryDelay);
            later.Parameters.AddWithValue("keys", failed);
            await later.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        PlatformMetrics.SweepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return delivered.Length;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Key} ({Target} {TargetId}) not delivered, retried later: {Error}: {Reason}")]
    private partial void LogDeliveryFailed(string key, string target, string targetId, string error, string reason);

    /// <summary>
    /// Whether a due time read back from the table is <paramref name="planned"/>: stored times keep
    /// microseconds, computed ones 100 ns ticks, so they are compared to the millisecond.
    /// </summary>
    public static bool SameDueTime(DateTimeOffset stored, DateTimeOffset planned) =>
        (stored - planned).Duration() < TimeSpan.FromMilliseconds(1);

    /// <summary>The reminder's key: target, kind, detail and due time — the grain's de-duplication key too.</summary>
    public static string Key(string targetId, ReminderKind kind, DateTimeOffset dueAt, string detail = "") =>
        detail.Length == 0 ? $"{targetId}:{(int)kind}:{dueAt.UtcTicks}" : $"{targetId}:{(int)kind}:{detail}:{dueAt.UtcTicks}";
}
