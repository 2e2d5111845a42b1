using System.Text.Json;
using Coordination.LoadGen;
using Grpc.Net.Client;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Faults;

/// <summary>
/// The load generator's mixed workload running in the background against one or more hosts, with a
/// write log, for as long as a fault test needs it.
/// </summary>
public sealed class FaultLoad : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<GrpcChannel> _channels;
    private Task _run = Task.CompletedTask;
    private Task _feeds = Task.CompletedTask;

    private FaultLoad(List<GrpcChannel> channels, string credentialsPath, string logPath, MixedWorkloadOptions options)
    {
        _channels = channels;
        Credentials = CredentialFile.Load(credentialsPath);
        Log = new WriteLog(logPath);
        Recorder = new Recorder();
        Workload = new MixedWorkload(channels, Credentials, Recorder, Log, options);
    }

    /// <summary>Whether the long forms run (<c>COORD_LONG_FAULTS=1</c>): more kills, longer load, a 30 s outage.</summary>
    public static bool LongForm => Environment.GetEnvironmentVariable("COORD_LONG_FAULTS") == "1";

    /// <summary>The demo credentials.</summary>
    public Dictionary<string, Grpc.Core.Metadata> Credentials { get; }

    /// <summary>Every mutation and its outcome.</summary>
    public WriteLog Log { get; }

    /// <summary>Latencies and errors.</summary>
    public Recorder Recorder { get; }

    /// <summary>The workload.</summary>
    public MixedWorkload Workload { get; }

    /// <summary>Starts <paramref name="workers"/> closed-loop workers against <paramref name="grpcPorts"/> (a failed attempt moves to the next).</summary>
    public static async Task<FaultLoad> StartAsync(string dataDirectory, IEnumerable<int> grpcPorts, int workers, MixedWorkloadOptions options)
    {
        // A restarted host is tried again within a second: with the library's default reconnect backoff
        // (growing to 2 minutes) the load measured its own waiting, up to 85 s after a restart.
        var channels = grpcPorts.Select(p => GrpcChannel.ForAddress($"http://127.0.0.1:{p}",
            new GrpcChannelOptions { MaxReconnectBackoff = TimeSpan.FromSeconds(1) })).ToList();
        var load = new FaultLoad(channels, Path.Combine(dataDirectory, "dev-credentials.json"), Path.Combine(dataDirectory, "writes.jsonl"), options);
        await load.Workload.WriteBaselineAsync(CancellationToken.None);
        load._run = LoadDriver.ClosedLoopAsync(workers, load.Workload.RunOneAsync, load._stop.Token);
        // Partner systems stream their feeds throughout, reconnecting across the faults.
        load._feeds = load.Workload.WatchFeedsAsync(load._stop.Token);
        return load;
    }

    /// <summary>Waits until <paramref name="count"/> more writes were acknowledged (the load really runs).</summary>
    public async Task WaitForWritesAsync(long count, TimeSpan timeout)
    {
        var target = Workload.WritesAcknowledged + count;
        var deadline = DateTime.UtcNow + timeout;
        while (Workload.WritesAcknowledged < target)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {Workload.WritesAcknowledged} of {target} writes acknowledged within {timeout}.");
            await Task.Delay(100);
        }
    }

    /// <summary>An intake made by the test itself (a probe), recorded in the write log like the load's own.</summary>
    public async Task<Coordination.V1.Case> CreateCaseLoggedAsync(Coordination.V1.CaseService.CaseServiceClient cases, Coordination.V1.CreateCaseRequest request, Grpc.Core.Metadata headers, DateTime? deadline = null)
    {
        try
        {
            var opened = await cases.CreateCaseAsync(request, headers, deadline);
            Log.Append(new WriteRecord
            {
                RequestId = request.RequestId, Method = "CreateCase", Target = request.Case.Ward, Name = opened.Name, Acknowledged = true,
                Status = "OK", Attempts = 1, Time = DateTimeOffset.UtcNow,
            });
            return opened;
        }
        catch (Grpc.Core.RpcException e)
        {
            Log.Append(new WriteRecord
            {
                RequestId = request.RequestId, Method = "CreateCase", Target = request.Case.Ward, Acknowledged = false,
                Status = e.StatusCode.ToString(), Attempts = 1, Time = DateTimeOffset.UtcNow,
            });
            throw;
        }
    }

    /// <summary>Stops starting new operations and waits for those in flight (their retries included).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _feeds;
    }

    /// <summary>Verifies the write log through <paramref name="channel"/>, prints the figures and asserts nothing was lost or duplicated.</summary>
    public async Task<VerifyReport> VerifyAsync(GrpcChannel channel, ITestOutputHelper output, string scenario, Dictionary<string, object>? figures = null)
    {
        var report = await WriteLogVerifier.VerifyAsync(Log.Records, channel, Credentials, new MixedWorkloadOptions().Wards);
        var result = Recorder.Summarise(scenario, 0, TimeSpan.FromSeconds(1));
        var all = new Dictionary<string, object>(figures ?? [])
        {
            ["scenario"] = scenario,
            ["long_form"] = LongForm,
            ["verify"] = report,
            ["counters"] = Workload.Counters,
            ["errors"] = result.Errors,
            ["errors_by_method"] = Recorder.ErrorsByMethod,
        };
        var json = JsonSerializer.Serialize(all, Indented);
        output.WriteLine(json);
        // Long runs append their figures where the caller asked (docs/reliability.md quotes them).
        if (Environment.GetEnvironmentVariable("COORD_FAULT_FIGURES") is { Length: > 0 } path)
        {
            await File.AppendAllTextAsync(path, JsonSerializer.Serialize(all) + "\n");
        }
        Assert.True(report.Problems.Count == 0, "Write log verification failed:\n" + string.Join("\n", report.Problems.Take(50)));
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        try
        {
            await _run;
            await _feeds;
        }
        catch (OperationCanceledException)
        {
        }
        Log.Dispose();
        foreach (var c in _channels)
        {
            c.Dispose();
        }
        _stop.Dispose();
    }
}
