using Coordination.Silo.Cases;
using Coordination.Silo.Tasks;
using Npgsql;

namespace Coordination.Api.Scheduling;

/// <summary>
/// Once per start, in the background: open cases with a running clock and open tasks that have no
/// follow-up rows (they were created before follow-ups existed, or by a version that did not plan
/// some of them) are activated, and activation plans their follow-ups; cases without report history
/// (recorded before migration 0010) are activated, and activation writes their timeline. Idempotent, so every host
/// may do it; a well-kept database has nothing to do here. A completed pass is remembered
/// (<c>maintenance_marks</c>): the next start looks only at rows changed since an hour before that
/// pass began, so a large database is not scanned whole at every start; a pass cut short is looked
/// at again from the last completed one.
/// </summary>
public sealed partial class FollowUpBackfill(NpgsqlDataSource db, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<FollowUpBackfill> logger)
    : BackgroundService
{
    private const int Page = 500;

    /// <summary>The pass's row in <c>maintenance_marks</c>.</summary>
    public const string MarkName = "follow-up-backfill";

    /// <summary>How far before a pass's start its mark is kept: writes in flight while it ran are looked at again.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the silo and the gRPC endpoints are up, so the backfill never delays serving.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        try
        {
            var (since, began) = await MarkAsync(stoppingToken);
            var cases = await RunAsync("""
                select c.id from rm_cases c
                where c.is_open and c.next_due is not null and c.id > @after and c.updated_at >= @since
                  and not exists (select 1 from reminders r where r.target = 'case' and r.target_id = c.id)
                order by c.id limit @limit
                """, since, id => grains.GetGrain<ICaseGrain>(id).Get(), stoppingToken);
            var tasks = await RunAsync("""
                select t.id from rm_tasks t
                where t.status in (1, 2, 3, 5, 6) and t.id > @after and t.updated_at >= @since
                  and not exists (select 1 from reminders r where r.target = 'task' and r.target_id = t.id)
                order by t.id limit @limit
                """, since, id => grains.GetGrain<ITaskGrain>(id).Get(), stoppingToken);
            // Cases recorded before the report facts existed: activation writes their whole timeline.
            var histories = await RunAsync("""
                select c.id from rm_cases c
                where c.id > @after and c.updated_at >= @since
                  and not exists (select 1 from case_events e where e.case_id = c.id)
                order by c.id limit @limit
                """, since, id => grains.GetGrain<ICaseGrain>(id).Get(), stoppingToken);
            await CompleteAsync(began - Margin, stoppingToken);
            if (cases + tasks + histories > 0)
            {
                LogBackfilled(logger, cases, tasks, histories);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Not needed for serving; the next start tries again.
            LogSkipped(logger, e.GetType().Name);
        }
    }

    /// <summary>Where the last completed pass left off (1970 when none did: every row), and the database's time now.</summary>
    private async Task<(DateTime Since, DateTime Began)> MarkAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"select coalesce((select done_through from maintenance_marks where name = '{MarkName}'), 'epoch'::timestamptz), now()");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetDateTime(0), reader.GetDateTime(1));
    }

    /// <summary>Records that every row changed before <paramref name="through"/> was looked at (the mark never moves back).</summary>
    private async Task CompleteAsync(DateTime through, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            insert into maintenance_marks (name, done_through) values ('{MarkName}', @through)
            on conflict (name) do update set done_through = greatest(maintenance_marks.done_through, excluded.done_through)
            """);
        cmd.Parameters.AddWithValue("through", through);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<int> RunAsync(string sql, DateTime since, Func<string, Task> activate, CancellationToken ct)
    {
        var after = "";
        var count = 0;
        while (!ct.IsCancellationRequested)
        {
            var ids = new List<string>();
            await using (var cmd = db.CreateCommand(sql))
            {
                cmd.Parameters.AddWithValue("after", after);
                cmd.Parameters.AddWithValue("since", since);
                cmd.Parameters.AddWithValue("limit", Page);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    ids.Add(reader.GetString(0));
                }
            }
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, _) => await activate(id));
            count += ids.Count;
            if (ids.Count < Page)
            {
                break;
            }
            after = ids[^1];
        }
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Planned follow-ups of {Cases} open case(s) and {Tasks} open task(s) that had none; wrote the history of {Histories} case(s) for reports")]
    private static partial void LogBackfilled(ILogger logger, int cases, int tasks, int histories);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follow-up backfill skipped this start ({ExceptionType})")]
    private static partial void LogSkipped(ILogger logger, string exceptionType);
}
