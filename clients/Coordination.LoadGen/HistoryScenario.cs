using System.Diagnostics;
using System.Text.Json;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

namespace Coordination.LoadGen;

/// <summary>
/// Whether a task's history slows its changes: each worker drives one task of its own (vice-chair →
/// ward police, then HoldTask / StartTask as the police system) to <c>--events</c> history entries
/// (1,000 by default), and the latency of the changes made at about 10 entries is compared with the
/// latency of those made at about the last entries. A task store that rewrites the whole history on
/// every change shows it here; a bounded one does not.
/// <code>coord-loadgen run --scenario history --concurrency 4 --events 1000 [--window 50] [--output result.json]</code>
/// </summary>
public static class HistoryScenario
{
    private const string Ward = "wards/hai-chau-1";
    private const string Police = "agencies/hai-chau-1-police";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Runs the scenario; prints p50 near 10 entries and near the last, and their ratio.</summary>
    public static async Task<int> RunAsync(Options options)
    {
        var concurrency = options.Number("concurrency", 4);
        var events = options.Number("events", 1000);
        var window = options.Number("window", 50);
        if (events < 60 + window)
        {
            throw new ArgumentException($"--events must be at least {60 + window} so that the two windows do not overlap");
        }
        var target = options.Text("target", "http://127.0.0.1:5080");
        using var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        });
        using var doc = JsonDocument.Parse(File.ReadAllText(options.Text("credentials", ".data/dev-credentials.json")));
        var creds = doc.RootElement.GetProperty("users").EnumerateArray().Concat(doc.RootElement.GetProperty("agencies").EnumerateArray())
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => new Metadata { { "authorization", "Bearer " + e.GetProperty("token").GetString() } });
        var tasks = new TaskService.TaskServiceClient(channel);
        var wards = new WardService.WardServiceClient(channel);
        var police = creds[Police];
        var early = $"Change@{10}";
        var late = $"Change@{events}";
        var recorder = new Recorder();
        var started = Stopwatch.StartNew();
        Console.WriteLine($"driving {concurrency} tasks to {events} history entries each against {target} ...");
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var task = await wards.AssignTaskAsync(new AssignTaskRequest
            {
                Ward = Ward, Assignee = Police, Title = $"Lịch sử dài {worker}", Instructions = "Kiểm tra tải",
                DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), RequestId = Guid.NewGuid().ToString(),
            }, creds["users/hai-chau-1-vice-chair"]);
            await tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = task.Name, RequestId = Guid.NewGuid().ToString() }, police);
            await tasks.StartTaskAsync(new StartTaskRequest { Name = task.Name, RequestId = Guid.NewGuid().ToString() }, police);
            // CREATED, ACCEPTED, STARTED: the next change makes entry 4.
            var onHold = false;
            for (var entries = 3; entries < events; entries++)
            {
                var t0 = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    if (onHold)
                    {
                        await tasks.StartTaskAsync(new StartTaskRequest { Name = task.Name, RequestId = Guid.NewGuid().ToString() }, police);
                    }
                    else
                    {
                        await tasks.HoldTaskAsync(new HoldTaskRequest { Name = task.Name, Reason = "Chờ", RequestId = Guid.NewGuid().ToString() }, police);
                    }
                    onHold = !onHold;
                }
                catch (RpcException e)
                {
                    error = e.StatusCode.ToString();
                }
                // Changes made on a history of 10..10+window entries, and on the last window entries.
                var label = entries >= 10 && entries < 10 + window ? early : entries >= events - window ? late : null;
                if (label is not null)
                {
                    recorder.Record(error is null ? label : "error", Stopwatch.GetElapsedTime(t0), error);
                }
            }
        })));
        var result = recorder.Summarise("history", concurrency, started.Elapsed);
        Console.WriteLine(result.Format());
        var p50 = result.Methods.ToDictionary(m => m.Method, m => m.P50Ms);
        if (p50.TryGetValue(early, out var atEarly) && p50.TryGetValue(late, out var atLate))
        {
            Console.WriteLine($"p50 at ~10 entries {atEarly:F2} ms, at ~{events} entries {atLate:F2} ms: ratio {atLate / atEarly:F2}");
        }
        if (options.Text("output", "") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, Indented));
        }
        return result.Errors.Count == 0 ? 0 : 1;
    }
}
