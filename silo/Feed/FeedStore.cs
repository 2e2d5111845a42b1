using System.Collections.Concurrent;
using System.Text.Json;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.Feed;

/// <summary>
/// Agency feeds in PostgreSQL. An append commits durably (the platform's default synchronous
/// commit) before the call that caused it returns; appends are idempotent by event key, so a grain
/// that re-projects after a crash never duplicates an event. Each append also sends a PostgreSQL
/// notification (channel <see cref="Channel"/>, payload the feed id) delivered when it commits:
/// every host's listener (FeedNotifications in the host) wakes its watchers of that feed at once.
/// Watchers still look every <see cref="PollInterval"/>, a safety net for a lost listener connection.
/// </summary>
public sealed class FeedStore(NpgsqlDataSource db)
{
    /// <summary>The notification channel of feed appends.</summary>
    public const string Channel = "coord_feed";

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();

    /// <summary>How long a watcher waits for a notification before it looks anyway (<c>Feeds:PollInterval</c>).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Appends a task event to an agency's feed unless one with this key exists.</summary>
    public Task AppendAsync(string agencyId, string eventKey, FeedEventType type, DateTimeOffset time, TaskRecord task, string detail) =>
        AppendRowAsync(agencyId, eventKey, (int)type, time, task.Id, detail, TaskDoc, JsonSerializer.Serialize(task, ReadModelStore.Json));

    /// <summary>
    /// Appends a notice to an inbox (<see cref="Inboxes"/>: a ward office, the Centre, or an
    /// agency's feed) unless one with this key exists.
    /// </summary>
    public Task AppendInboxAsync(string inbox, string eventKey, InboxEventType type, DateTimeOffset time, InboxItem item) =>
        AppendRowAsync(inbox, eventKey, (int)type, time, item.TaskId.Length > 0 ? item.TaskId : null, item.Detail, ItemDoc,
            JsonSerializer.Serialize(item, ReadModelStore.Json));

    private const string TaskDoc = "task";
    private const string ItemDoc = "item";

    private async Task AppendRowAsync(string feedId, string eventKey, int type, DateTimeOffset time, string? taskId, string detail, string docKind, string doc)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var exists = new NpgsqlCommand("select 1 from feed_events where event_key = @k", conn, tx))
        {
            exists.Parameters.AddWithValue("k", eventKey);
            if (await exists.ExecuteScalarAsync() is not null)
            {
                return;
            }
        }
        long seq;
        await using (var head = new NpgsqlCommand("""
            insert into feed_heads (agency_id, last_seq) values (@a, 1)
            on conflict (agency_id) do update set last_seq = feed_heads.last_seq + 1
            returning last_seq
            """, conn, tx))
        {
            head.Parameters.AddWithValue("a", feedId);
            seq = (long)(await head.ExecuteScalarAsync())!;
        }
        // The notification goes with the transaction: sent at commit, dropped on rollback.
        await using (var insert = new NpgsqlCommand($"""
            insert into feed_events (agency_id, seq, event_id, event_key, type, time, task_id, detail, doc, doc_kind)
            values (@a, @s, @id, @k, @t, @time, @task, @detail, @doc, @kind);
            select pg_notify('{Channel}', @a)
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("a", feedId);
            insert.Parameters.AddWithValue("s", seq);
            insert.Parameters.AddWithValue("id", Guid.NewGuid());
            insert.Parameters.AddWithValue("k", eventKey);
            insert.Parameters.AddWithValue("t", type);
            insert.Parameters.AddWithValue("time", time);
            insert.Parameters.AddWithValue("task", (object?)taskId ?? DBNull.Value);
            insert.Parameters.AddWithValue("detail", detail);
            insert.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = doc });
            insert.Parameters.AddWithValue("kind", docKind);
            try
            {
                await insert.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The same event was appended concurrently: keep that one (and its number).
                await tx.RollbackAsync();
                return;
            }
        }
        await tx.CommitAsync();
        Wake(feedId);
    }

    /// <summary>Wakes this host's watchers of <paramref name="feedId"/> (an append here or a notification from another host).</summary>
    public void Wake(string feedId)
    {
        if (_signals.TryRemove(feedId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Wakes every watcher on this host (after the listener reconnected: it may have missed notifications).</summary>
    public void WakeAll()
    {
        foreach (var feedId in _signals.Keys)
        {
            Wake(feedId);
        }
    }

    /// <summary>Events of the feed or inbox <paramref name="agencyId"/> after <paramref name="afterSeq"/>, oldest first.</summary>
    public async Task<IReadOnlyList<FeedEvent>> ListAsync(string agencyId, long afterSeq, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select event_id, seq, type, time, detail, doc, doc_kind from feed_events
            where agency_id = @a and seq > @after order by seq limit @limit
            """);
        cmd.Parameters.AddWithValue("a", agencyId);
        cmd.Parameters.AddWithValue("after", afterSeq);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<FeedEvent>();
        while (await reader.ReadAsync(ct))
        {
            var isTask = reader.GetString(6) == TaskDoc;
            result.Add(new FeedEvent(
                reader.GetGuid(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                isTask ? JsonSerializer.Deserialize<TaskRecord>(reader.GetString(5), ReadModelStore.Json) : null,
                reader.GetString(4),
                isTask ? null : JsonSerializer.Deserialize<InboxItem>(reader.GetString(5), ReadModelStore.Json)));
        }
        return result;
    }

    /// <summary>The last and acknowledged sequence numbers of the feed.</summary>
    public async Task<(long Last, long Acked)> HeadAsync(string agencyId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select last_seq, acked_seq from feed_heads where agency_id = @a");
        cmd.Parameters.AddWithValue("a", agencyId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    /// <summary>Moves the acknowledged cursor forward (never back, never past the last event).</summary>
    public async Task<long> AckAsync(string agencyId, long upTo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update feed_heads set acked_seq = greatest(acked_seq, least(@up, last_seq))
            where agency_id = @a returning acked_seq
            """);
        cmd.Parameters.AddWithValue("a", agencyId);
        cmd.Parameters.AddWithValue("up", upTo);
        return await cmd.ExecuteScalarAsync(ct) is long acked ? acked : 0;
    }

    /// <summary>Completes when an event is appended to the feed (here or, through the notification, on another host), or after <paramref name="timeout"/>.</summary>
    public Task WaitAsync(string agencyId, TimeSpan timeout, CancellationToken ct)
    {
        var signal = _signals.GetOrAdd(agencyId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return Task.WhenAny(signal.Task, Task.Delay(timeout, ct));
    }
}
