using Coordination.Silo.Feed;
using Npgsql;

namespace Coordination.Silo.Reminders;

/// <summary>When a task's follow-ups fall due (section <c>Reminders</c>).</summary>
public sealed class FollowUpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Reminders";

    /// <summary>DUE_SOON this many working days before the due time.</summary>
    public int DueSoonWorkingDays { get; set; } = 2;

    /// <summary>ESCALATED this many working days after the due time.</summary>
    public int EscalateAfterWorkingDays { get; set; } = 1;

    /// <summary>How often the sweeper looks for due reminders.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>One due follow-up of a task.</summary>
public sealed record DueReminder(string Key, string TaskId, FeedEventType Kind, DateTimeOffset DueAt);

/// <summary>The reminders table: scheduled by task grains, swept by the Quartz job.</summary>
public sealed class ReminderStore(NpgsqlDataSource db)
{
    /// <summary>Makes the task's pending reminders exactly <paramref name="items"/> (idempotent).</summary>
    public async Task ScheduleAsync(string taskId, IReadOnlyList<(FeedEventType Kind, DateTimeOffset DueAt)> items)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var keys = items.Select(i => Key(taskId, i.Kind, i.DueAt)).ToArray();
        await using (var drop = new NpgsqlCommand(
            "delete from reminders where task_id = @t and fired_at is null and not (item_key = any(@keys))", conn, tx))
        {
            drop.Parameters.AddWithValue("t", taskId);
            drop.Parameters.AddWithValue("keys", keys);
            await drop.ExecuteNonQueryAsync();
        }
        foreach (var (kind, dueAt) in items)
        {
            await using var add = new NpgsqlCommand(
                "insert into reminders (item_key, task_id, kind, due_at) values (@k, @t, @kind, @due) on conflict (item_key) do nothing", conn, tx);
            add.Parameters.AddWithValue("k", Key(taskId, kind, dueAt));
            add.Parameters.AddWithValue("t", taskId);
            add.Parameters.AddWithValue("kind", (int)kind);
            add.Parameters.AddWithValue("due", dueAt);
            await add.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    /// <summary>Removes the task's pending reminders (it completed or was cancelled).</summary>
    public async Task CancelAsync(string taskId)
    {
        await using var cmd = db.CreateCommand("delete from reminders where task_id = @t and fired_at is null");
        cmd.Parameters.AddWithValue("t", taskId);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Hands up to <paramref name="limit"/> due reminders to <paramref name="deliver"/> and marks
    /// those delivered as fired, all under row locks that other hosts' sweepers skip: each reminder
    /// goes to one host; one that fails stays due and is retried on the next sweep. Returns how many
    /// were delivered.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, int limit, Func<DueReminder, Task> deliver, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = new List<DueReminder>();
        await using (var select = new NpgsqlCommand("""
            select item_key, task_id, kind, due_at from reminders
            where fired_at is null and due_at <= @now
            order by due_at limit @limit for update skip locked
            """, conn, tx))
        {
            select.Parameters.AddWithValue("now", now);
            select.Parameters.AddWithValue("limit", limit);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                due.Add(new DueReminder(reader.GetString(0), reader.GetString(1), (FeedEventType)reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }
        var delivered = new List<string>();
        foreach (var r in due)
        {
            try
            {
                await deliver(r);
                delivered.Add(r.Key);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Stays due; the next sweep tries again. Delivery is idempotent per reminder key.
            }
        }
        await using (var mark = new NpgsqlCommand("update reminders set fired_at = now() where item_key = any(@keys)", conn, tx))
        {
            mark.Parameters.AddWithValue("keys", delivered.ToArray());
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return delivered.Count;
    }

    /// <summary>The reminder's key: task, kind and due time — the grain's de-duplication key too.</summary>
    public static string Key(string taskId, FeedEventType kind, DateTimeOffset dueAt) =>
        $"{taskId}:{(int)kind}:{dueAt.UtcTicks}";
}
