using System.Globalization;
using System.Text.Json;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

namespace Coordination.LoadGen;

/// <summary>The <c>run --scenario mixed</c> and <c>verify</c> commands.</summary>
public static class MixedCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Channels to every <c>--target</c> (comma-separated: a retry moves to the next host).</summary>
    public static List<GrpcChannel> Channels(Options options) =>
        [.. options.Text("target", "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => GrpcChannel.ForAddress(t, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
                // A restarted host is tried again within a second (the library's default backoff grows to
                // 2 minutes, which measured the client's wait instead of the platform's recovery).
                MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            }))];

    /// <summary>Runs the mixed traffic and prints (and optionally writes) the figures. Exit code 0 when no call failed.</summary>
    public static async Task<int> RunAsync(Options options)
    {
        var channels = Channels(options);
        var creds = CredentialFile.Load(options.Text("credentials", ".data/dev-credentials.json"));
        var rateText = options.Text("rate", "");
        var rate = rateText.Length > 0 ? double.Parse(rateText.Replace("/s", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : 0;
        var concurrency = options.Number("concurrency", 16);
        var duration = TimeSpan.FromSeconds(options.Number("duration", 15));
        var recorder = new Recorder();
        using var log = options.Text("write-log", "") is { Length: > 0 } path ? new WriteLog(path) : null;
        var workload = new MixedWorkload(channels, creds, recorder, log, new MixedWorkloadOptions
        {
            CallTimeout = TimeSpan.FromSeconds(options.Number("call-timeout", 5)),
            RetryFor = TimeSpan.FromSeconds(options.Number("retry-for", 30)),
        });
        await workload.WriteBaselineAsync(CancellationToken.None);
        Console.WriteLine(rate > 0
            ? $"mixed traffic at {rate} calls/s (open loop) for {duration.TotalSeconds} s against {options.Text("target", "http://127.0.0.1:5080")}"
            : $"mixed traffic with {concurrency} workers (closed loop) for {duration.TotalSeconds} s against {options.Text("target", "http://127.0.0.1:5080")}");
        using var stop = new CancellationTokenSource(duration);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var feedsStop = new CancellationTokenSource();
        var feeds = workload.WatchFeedsAsync(feedsStop.Token);
        var skipped = new StrongBox<long>(0);
        using var progressStop = new CancellationTokenSource();
        var progress = LoadDriver.ProgressAsync(recorder, () =>
        {
            var c = workload.Counters;
            return $"writes acked {c["writes_acknowledged"]}, retried {c["write_retries"]}, feed events {c["feed_events_received"]}" + (skipped.Value > 0 ? $", skipped {skipped.Value}" : "");
        }, progressStop.Token);
        if (rate > 0)
        {
            await LoadDriver.OpenLoopAsync(rate, workload.RunOneAsync, options.Number("max-in-flight", 2000), skipped, stop.Token);
        }
        else
        {
            await LoadDriver.ClosedLoopAsync(concurrency, workload.RunOneAsync, stop.Token);
        }
        // Let the feeds catch up with the last writes before counting.
        await Task.Delay(1000);
        await feedsStop.CancelAsync();
        await feeds;
        await progressStop.CancelAsync();
        await progress;
        var counters = workload.Counters;
        counters["open_loop_skipped"] = skipped.Value;
        var result = recorder.Summarise("mixed", rate > 0 ? 0 : concurrency, duration) with { };
        result = result with { Rate = rate, ErrorsByMethod = recorder.ErrorsByMethod, Counters = counters };
        Console.WriteLine(result.Format());
        if (options.Text("output", "") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, Indented));
        }
        if (log is not null)
        {
            Console.WriteLine($"write log: {log.Path} ({log.Records.Count} records)");
        }
        return result.Errors.Count == 0 ? 0 : 1;
    }

    /// <summary>Checks a write log against the platform. Exit code 0 when nothing is lost or duplicated.</summary>
    public static async Task<int> VerifyAsync(Options options)
    {
        var channels = Channels(options);
        var creds = CredentialFile.Load(options.Text("credentials", ".data/dev-credentials.json"));
        var records = WriteLog.Read(options.Text("write-log", "writes.jsonl"));
        var report = await WriteLogVerifier.VerifyAsync(records, channels[0], creds, new MixedWorkloadOptions().Wards);
        Console.WriteLine(JsonSerializer.Serialize(report, Indented));
        return report.Problems.Count == 0 ? 0 : 1;
    }
}
