using System.Text.Json;
using Coordination.Silo.Feed;
using Coordination.Silo.ReadModel;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using Orleans.Storage;

namespace Coordination.Silo.Tasks;

/// <summary>A task grain's state as stored, with the write counter a later write must name.</summary>
public sealed record StoredTask(TaskState State, long Etag);

/// <summary>
/// Where task grains keep their state (table <c>task_states</c>) and their history (table
/// <c>task_events</c>). A change is one PostgreSQL transaction, one WAL flush: the state, its new
/// history entries and every other row the change implies (feed and inbox events, the read-model row,
/// reminders) commit together before the grain answers, so none of them can be lost or fall behind
/// another after a crash. The state is written only if it is still the one the grain read: a stale
/// activation fails and never overwrites a newer state.
/// </summary>
public sealed class TaskStore(NpgsqlDataSource db, Serializer serializer)
{
    /// <summary>The stored state of <paramref name="taskId"/>, or null if this store has none.</summary>
    public async Task<StoredTask?> LoadAsync(string taskId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select etag, state from task_states where task_id = @id");
        cmd.Parameters.AddWithValue("id", taskId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredTask(serializer.Deserialize<TaskState>(reader.GetFieldValue<byte[]>(1))!, reader.GetInt64(0))
            : null;
    }

    /// <summary>
    /// Writes <paramref name="state"/> in place of the state read with <paramref name="etag"/> (0: none
    /// stored yet), appends <paramref name="added"/> to the history as entries
    /// <paramref name="firstSeq"/>, <paramref name="firstSeq"/>+1, …, and runs <paramref name="also"/>
    /// (built by <see cref="FeedStore.TaskAppend"/>, <see cref="ReadModelStore.TaskUpsert"/>, the
    /// reminder store…), all in one transaction, sent in one round trip (the caller wakes the feeds it
    /// appended to once this returns). Returns the new etag; throws
    /// <see cref="InconsistentStateException"/>, having written nothing, if the stored state changed
    /// since it was read.
    /// </summary>
    public async Task<long> WriteAsync(string taskId, long etag, TaskState state, long firstSeq, IReadOnlyList<TaskEvent> added,
        IReadOnlyList<NpgsqlBatchCommand> also)
    {
        await using var conn = await db.OpenConnectionAsync();
        // No NpgsqlTransaction: a batch is one implicit transaction, committed when its last statement
        // has run, in the same round trip. An explicit COMMIT would be a second round trip, and every
        // row the change locked (a feed's counter row, which all appends to that feed take) would stay
        // locked while the answer travels to this host and the COMMIT travels back: measured, that
        // queued a hundred writers of one feed behind each other.
        await using var batch = new NpgsqlBatch(conn);
        // The state row first: a stale writer waits here for the newer one, then matches no row and
        // stops the batch (task_state_stale raises), so nothing after it is written.
        var write = new NpgsqlBatchCommand(etag == 0
            ? """
              with w as (insert into task_states (task_id, etag, state) values (@id, 1, @state) on conflict (task_id) do nothing returning 1)
              select case when exists (select 1 from w) then 1 else task_state_stale(@id) end
              """
            : """
              with w as (update task_states set etag = @etag + 1, state = @state, updated_at = now() where task_id = @id and etag = @etag returning 1)
              select case when exists (select 1 from w) then 1 else task_state_stale(@id) end
              """);
        write.Parameters.AddWithValue("id", taskId);
        write.Parameters.AddWithValue("etag", etag);
        write.Parameters.AddWithValue("state", serializer.SerializeToArray(state));
        batch.BatchCommands.Add(write);
        if (added.Count > 0)
        {
            var events = new NpgsqlBatchCommand("""
                insert into task_events (task_id, seq, time, doc)
                select @id, seq, time, doc from unnest(@seqs, @times, @docs) as x(seq, time, doc)
                """);
            events.Parameters.AddWithValue("id", taskId);
            events.Parameters.AddWithValue("seqs", Enumerable.Range(0, added.Count).Select(i => firstSeq + i).ToArray());
            events.Parameters.AddWithValue("times", added.Select(e => e.Time).ToArray());
            events.Parameters.Add(new NpgsqlParameter("docs", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
            {
                Value = added.Select(e => JsonSerializer.Serialize(e, ReadModelStore.Json)).ToArray(),
            });
            batch.BatchCommands.Add(events);
        }
        foreach (var cmd in also)
        {
            batch.BatchCommands.Add(cmd);
        }
        try
        {
            await batch.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure && e.MessageText.StartsWith("stale task state", StringComparison.Ordinal)
                                          || e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName == "task_events")
        {
            // Stale: the stored state, or entries with these numbers, were written by another activation.
            throw Stale(taskId, etag);
        }
        return etag + 1;
    }

    /// <summary>The whole history of <paramref name="taskId"/>, oldest first.</summary>
    public async Task<TaskEvent[]> HistoryAsync(string taskId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select doc from task_events where task_id = @id order by seq");
        cmd.Parameters.AddWithValue("id", taskId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var history = new List<TaskEvent>();
        while (await reader.ReadAsync(ct))
        {
            history.Add(JsonSerializer.Deserialize<TaskEvent>(reader.GetString(0), ReadModelStore.Json)!);
        }
        return [.. history];
    }

    private static InconsistentStateException Stale(string taskId, long etag) =>
        new($"The state of tasks/{taskId} changed since this activation read it / trạng thái đã thay đổi.", "", etag.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
