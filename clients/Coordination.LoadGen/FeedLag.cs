using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

namespace Coordination.LoadGen;

/// <summary>
/// Feed latency across hosts: ward vice-chairs comment on open tasks through host A (the writer) at
/// a fixed rate, each comment one COMMENT_ADDED event in the ward police's feed; the police systems
/// watch their feeds on host B (the watcher). Each event's latency is its receipt on B minus its
/// event time — the time the grain stamped the change, before the commit — so it includes the
/// commit, the cross-host notification and the stream write: an upper bound of commit-to-watcher.
/// </summary>
public static class FeedLag
{
    /// <summary>Runs the measurement; returns the process exit code.</summary>
    public static async Task<int> RunAsync(Options options)
    {
        // Hundreds of calls in flight plus the watchers' streams: on a 2-core machine the thread pool's
        // slow growth starved this process, and the queueing here was measured as feed latency
        // (one host at 1,000/s offered: p50 2.2 s with the default, 0.6 s with 64 threads from the start).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        var writer = options.Text("writer", "http://127.0.0.1:5080");
        var watcher = options.Text("watcher", "http://127.0.0.1:5082");
        var rate = options.Number("rate", 1000);
        var duration = TimeSpan.FromSeconds(options.Number("duration", 20));
        var warmup = TimeSpan.FromSeconds(options.Number("warmup", 3));
        var tasksPerWard = options.Number("tasks-per-ward", 40);
        var wards = options.Text("wards", "hai-chau-1,thach-thang,thanh-khe-dong,xuan-ha,an-hai-bac,man-thai").Split(',');
        var creds = Scenarios.Load(options);
        using var a = Channel(writer);
        using var b = Channel(watcher);

        Console.WriteLine($"preparing {tasksPerWard} open tasks in each of {wards.Length} wards through {writer} ...");
        var idle = new ConcurrentQueue<(string Task, Metadata ViceChair)>();
        var wardClient = new WardService.WardServiceClient(a);
        await Task.WhenAll(wards.Select(async ward =>
        {
            var viceChair = creds[$"users/{ward}-vice-chair"];
            for (var i = 0; i < tasksPerWard; i++)
            {
                var task = await wardClient.AssignTaskAsync(new AssignTaskRequest
                {
                    Ward = "wards/" + ward, Assignee = $"agencies/{ward}-police", Title = $"Đo độ trễ {ward} {i}", Instructions = "Đo độ trễ luồng sự kiện",
                    DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), RequestId = Guid.NewGuid().ToString(),
                }, viceChair);
                idle.Enqueue((task.Name, viceChair));
            }
        }));

        // Watchers on B, each from its feed's current end, so only this run's events are counted.
        var partner = new PartnerService.PartnerServiceClient(b);
        using var stop = new CancellationTokenSource();
        var measureFrom = long.MaxValue; // UTC ticks
        var lags = new ConcurrentBag<double>();
        long received = 0, receivedBeforeWindow = 0;
        var watching = new List<Task>();
        foreach (var ward in wards)
        {
            var agency = $"agencies/{ward}-police";
            var head = await partner.ListEventsAsync(new ListEventsRequest { Agency = agency, AfterSequence = 0, PageSize = 1 }, creds[agency]);
            var call = partner.WatchEvents(new WatchEventsRequest { Agency = agency, AfterSequence = head.LastSequence }, creds[agency], cancellationToken: stop.Token);
            watching.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in call.ResponseStream.ReadAllAsync(stop.Token))
                    {
                        var now = DateTimeOffset.UtcNow;
                        if (e.Type != PartnerEventType.CommentAdded)
                        {
                            continue;
                        }
                        var time = e.Time.ToDateTimeOffset();
                        if (time.UtcTicks < Interlocked.Read(ref measureFrom))
                        {
                            Interlocked.Increment(ref receivedBeforeWindow);
                            continue;
                        }
                        Interlocked.Increment(ref received);
                        lags.Add((now - time).TotalMilliseconds);
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
                {
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    call.Dispose();
                }
            }));
        }
        await Task.Delay(500);

        Console.WriteLine($"commenting at {rate}/s through {writer} for {warmup.TotalSeconds:0} s warm-up + {duration.TotalSeconds:0} s, watching on {watcher} ...");
        var tasks = new TaskService.TaskServiceClient(a);
        long sent = 0, failed = 0, busy = 0;
        var firstError = "";
        using var run = new CancellationTokenSource(warmup + duration);
        var skipped = new StrongBox<long>(0);
        var clock = Stopwatch.StartNew();
        var measuring = false;
        await LoadDriver.OpenLoopAsync(rate, async _ =>
        {
            if (!measuring && clock.Elapsed >= warmup)
            {
                measuring = true;
                Interlocked.Exchange(ref measureFrom, DateTimeOffset.UtcNow.UtcTicks);
            }
            // Each task takes one comment at a time: a task still busy waits in no queue, the call is skipped.
            if (!idle.TryDequeue(out var t))
            {
                Interlocked.Increment(ref busy);
                return;
            }
            try
            {
                await tasks.AddTaskCommentAsync(new AddTaskCommentRequest { Name = t.Task, Text = "Đo độ trễ / latency probe", RequestId = Guid.NewGuid().ToString() },
                    t.ViceChair, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: CancellationToken.None);
                if (measuring)
                {
                    Interlocked.Increment(ref sent);
                }
            }
            catch (RpcException e)
            {
                Interlocked.Increment(ref failed);
                firstError = firstError.Length == 0 ? e.Status.ToString() : firstError;
            }
            finally
            {
                idle.Enqueue(t);
            }
        }, 10_000, skipped, run.Token);
        var window = clock.Elapsed - warmup;
        // Let the last events arrive.
        var settle = Stopwatch.StartNew();
        while (Interlocked.Read(ref received) < Interlocked.Read(ref sent) && settle.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }
        stop.Cancel();
        await Task.WhenAll(watching);

        var sorted = lags.OrderBy(x => x).ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var achieved = Interlocked.Read(ref sent) / Math.Max(0.001, window.TotalSeconds);
        Console.WriteLine($"written through A: {sent} comments acknowledged in the {window.TotalSeconds:F1} s window ({achieved:F0}/s), " +
                          $"{failed} failed{(failed > 0 ? $" (first: {firstError})" : "")}, {busy} skipped (no idle task)");
        Console.WriteLine($"received on B: {received} events in the window, {received - sent} beyond the acknowledged ones (acknowledged late or unacknowledged)");
        Console.WriteLine($"feedlag across hosts, {achieved:F0} events/s: p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {(sorted.Length > 0 ? sorted[^1] : double.NaN):F1} ms ({sorted.Length} events)");
        if (options.Text("output", "") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
            {
                rate, achieved, sent, failed, busy, received, p50 = P(0.5), p95 = P(0.95), p99 = P(0.99), max = sorted.Length > 0 ? sorted[^1] : 0,
            }));
        }
        return received >= sent && sent > 0 ? 0 : 1;
    }

    private static GrpcChannel Channel(string target) => GrpcChannel.ForAddress(target, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
    });
}
