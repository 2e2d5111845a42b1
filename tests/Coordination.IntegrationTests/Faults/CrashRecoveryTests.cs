using System.Diagnostics;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.LoadGen;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Faults;

/// <summary>
/// kill -9 of the only host while case intakes and task steps pour in: after each restart every
/// acknowledged write is there, each task is at its last acknowledged step, nothing is doubled.
/// Short form in ./test.sh; COORD_LONG_FAULTS=1 for the long form.
/// </summary>
[Collection(Lanes.Faults)]
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Acknowledged_writes_survive_kill_9_of_the_host_at_different_moments_and_none_is_doubled()
    {
        // Kill moments, in seconds of load after the host (re)started serving: early, mid, later.
        double[] kills = FaultLoad.LongForm ? [0.5, 1.5, 3, 5, 8, 2, 0.2, 4, 6.5, 1] : [0.5, 2, 4];
        var dataDir = Directory.CreateTempSubdirectory("coord-crash-").FullName;
        var grpcPort = PlatformHost.FreePort();
        var siloPort = PlatformHost.FreePort();
        var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir);
        var downtimes = new List<double>();
        try
        {
            await using var load = await FaultLoad.StartAsync(dataDir, [grpcPort], workers: FaultLoad.LongForm ? 12 : 6,
                new MixedWorkloadOptions { Reads = false, CallTimeout = TimeSpan.FromSeconds(5), RetryFor = TimeSpan.FromSeconds(90) });
            await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(60));
            foreach (var delay in kills)
            {
                await Task.Delay(TimeSpan.FromSeconds(delay));
                var acked = load.Workload.WritesAcknowledged;
                var down = Stopwatch.StartNew();
                await host.KillAsync();
                await host.DisposeAsync();
                host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir);
                var serving = down.Elapsed;
                // The load resumes: writes are acknowledged again after the restart.
                await load.WaitForWritesAsync(30, TimeSpan.FromSeconds(60));
                downtimes.Add(Math.Round(down.Elapsed.TotalSeconds, 1));
                output.WriteLine($"kill after {delay} s of load ({acked} writes acknowledged so far): serving after {serving.TotalSeconds:F1} s, "
                    + $"30 more writes acknowledged after {down.Elapsed.TotalSeconds:F1} s");
            }

            // The precise window: a host that dies right after a grain's state write and before its
            // read-model row and its reply (COORD_FAULT_KILL_AT), while the load keeps retrying.
            await host.KillAsync();
            await host.DisposeAsync();
            host = PlatformHost.Launch(_db.ConnectionString, seedDemo: true, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir,
                environment: new Dictionary<string, string> { ["COORD_FAULT_KILL_AT"] = "after-state-write", ["COORD_TEST_MODE"] = "1" });
            await host.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(host.ExitCode != 0, "The armed host should have killed itself at its first state write.");
            await host.DisposeAsync();
            host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir);
            await load.WaitForWritesAsync(30, TimeSpan.FromSeconds(60));

            await Task.Delay(TimeSpan.FromSeconds(FaultLoad.LongForm ? 5 : 1));
            await load.StopAsync();
            Assert.True(load.Recorder.Failed > 0, "The kills never reached a call: the test did not test anything.");
            var report = await load.VerifyAsync(host.Channel, output, "crash", new()
            {
                ["kills"] = kills.Length + 1,
                ["kill_delays_s"] = kills,
                ["restart_to_acknowledged_s"] = downtimes,
            });
            Assert.True(report.CasesAcknowledged > 0 && report.TasksAcknowledged > 0 && report.StepsAcknowledged > 0);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
