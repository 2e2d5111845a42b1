using Coordination.Silo.Cases;
using Coordination.Silo.Tasks;
using Npgsql;

namespace Coordination.Api.Scheduling;

/// <summary>
/// Once per start, in the background: open cases with a running clock and open tasks that have no
/// follow-up rows (they were created before follow-ups existed, or by a version that did not plan
/// some of them) are activated, and activation plans their follow-ups; cases without report history
/// (recorded before migration 0010) are activated, and activation writes their timeline. Idempotent, so every host
/// may do it; a well-kept database has nothing to do here.
/// </summary>
public sealed partial class FollowUpBackfill(NpgsqlDataSource db, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<FollowUpBackfill> logger)
    : BackgroundService
{
    private const int Page = 500;

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
            var cases = await RunAsync("""
                select c.id from rm_cases c
                where c.is_open and c.next_due is not null and c.id > @after
                  and not exists (select 1 from reminders r where r.target = 'case' and r.target_id = c.id)
                order by c.id limit @limit
                """, id => grains.GetGrain<ICaseGrain>(id).Get(), stoppingToken);
            var tasks = await RunAsync("""
                select t.id from rm_tasks t
                where t.status in (1, 2, 3, 5, 6) and t.id > @after
                  and not exists (select 1 from reminders r where r.target = 'task' and r.target_id = t.id)
                order by t.id limit @limit
                """, id => grains.GetGrain<ITaskGrain>(id).Get(), stoppingToken);
            // Cases recorded before the report facts existed: activation writes their whole timeline.
            var histories = await RunAsync("""
                select c.id from rm_cases c
                where c.id > @after and not exists (select 1 from case_events e where e.case_id = c.id)
                order by c.id limit @limit
                """, id => grains.GetGrain<ICaseGrain>(id).Get(), stoppingToken);
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

    private async Task<int> RunAsync(string sql, Func<string, Task> activate, CancellationToken ct)
    {
        var after = "";
        var count = 0;
        while (!ct.IsCancellationRequested)
        {
            var ids = new List<string>();
            await using (var cmd = db.CreateCommand(sql))
            {
                cmd.Parameters.AddWithValue("after", after);
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
