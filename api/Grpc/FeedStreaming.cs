using Coordination.Silo.Common;
using Coordination.Silo.Feed;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>The watch loop shared by the partner and people inboxes.</summary>
public static class FeedStreaming
{
    private const int Page = 100;

    /// <summary>
    /// Writes every event of <paramref name="feedId"/> after <paramref name="cursor"/>, then new ones
    /// as they are appended (woken at once, on this host or through PostgreSQL's notification from another), until the
    /// client cancels. Ends with UNAVAILABLE when the host stops, so shutdown does not wait on
    /// watchers; they resume from their cursor on another host or after the restart.
    /// </summary>
    public static async Task WatchAsync(FeedStore feed, string feedId, long cursor, Func<FeedEvent, Task> write,
        IHostApplicationLifetime lifetime, CancellationToken callCancelled)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        // After the first short page the stream is live: from then on each event's lag is measured.
        var live = false;
        while (!ct.IsCancellationRequested)
        {
            // Ask to be woken before reading, so an event appended in between is not missed.
            var wake = feed.WaitAsync(feedId, feed.PollInterval, ct);
            var events = await feed.ListAsync(feedId, cursor, Page, ct);
            foreach (var e in events)
            {
                await write(e);
                cursor = e.Sequence;
                if (live)
                {
                    PlatformMetrics.FeedLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - e.Time).TotalSeconds));
                }
            }
            if (events.Count < Page)
            {
                live = true;
                await wake;
            }
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested && !callCancelled.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The host is stopping: resume from your cursor / máy chủ đang dừng, hãy kết nối lại."));
        }
    }
}
