using Coordination.Silo.Feed;
using Npgsql;

namespace Coordination.Api.Hosting;

/// <summary>
/// Listens to PostgreSQL's notifications of feed appends (<see cref="FeedStore.Channel"/>) on one
/// dedicated connection and wakes this host's watchers of the feed named in each, so a watcher on
/// this host sees an event another host appended as soon as it commits. A lost connection is opened
/// again after a second, and every watcher is woken then (notifications in the gap are not replayed);
/// meanwhile the watchers' own poll (<c>Feeds:PollInterval</c>) keeps them going.
/// </summary>
public sealed partial class FeedNotifications(NpgsqlDataSource db, FeedStore feed, ILogger<FeedNotifications> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => feed.Wake(e.Payload);
                await using (var listen = new NpgsqlCommand($"listen {FeedStore.Channel}", conn))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                feed.WakeAll();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await conn.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or InvalidOperationException or TimeoutException)
            {
                LogLost(e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed notifications lost ({Reason}); listening again in 1 s, watchers poll meanwhile")]
    private partial void LogLost(string reason);
}
