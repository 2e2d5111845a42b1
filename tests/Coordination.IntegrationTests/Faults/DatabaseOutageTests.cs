using System.Diagnostics;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.LoadGen;
using Coordination.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Faults;

/// <summary>
/// PostgreSQL stops under load (the test's own cluster, never the shared one): calls fail fast with
/// UNAVAILABLE (no hang past the deadline, no INTERNAL), health says NOT_SERVING, and when the
/// database returns the host recovers by itself with nothing acknowledged lost. Short form: an 8 s
/// outage; COORD_LONG_FAULTS=1: 30 s.
/// </summary>
[Collection(Lanes.Faults)]
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private PrivatePostgres _pg = null!;

    public async Task InitializeAsync() => _pg = await PrivatePostgres.StartNewAsync();

    public async Task DisposeAsync() => await _pg.DisposeAsync();

    [Fact]
    public async Task While_the_database_is_down_calls_fail_fast_with_unavailable_and_afterwards_the_host_recovers_with_nothing_lost()
    {
        var outage = TimeSpan.FromSeconds(FaultLoad.LongForm ? 30 : 8);
        var dataDir = Directory.CreateTempSubdirectory("coord-outage-").FullName;
        await using var host = await PlatformHost.StartAsync(_pg.ConnectionString, seedDemo: true, dataDir: dataDir);
        await using var load = await FaultLoad.StartAsync(dataDir, [host.GrpcPort], workers: 4,
            new MixedWorkloadOptions { CallTimeout = Deadline, RetryFor = outage + TimeSpan.FromSeconds(60) });
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(60));
        var officer = load.Credentials["users/hai-chau-1-officer"];
        var cases = new CaseService.CaseServiceClient(host.Channel);
        var health = new Health.HealthClient(host.Channel);

        await _pg.StopAsync();
        var down = Stopwatch.StartNew();
        // Probe while the database is down: an intake (needs the database) and a health check.
        var statuses = new Dictionary<string, int>();
        var slowest = TimeSpan.Zero;
        var notServingSeen = false;
        var slowestHealth = TimeSpan.Zero;
        var healthProbe = Task.Run(async () =>
        {
            while (down.Elapsed < outage)
            {
                var h0 = Stopwatch.StartNew();
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline);
                slowestHealth = h0.Elapsed > slowestHealth ? h0.Elapsed : slowestHealth;
                notServingSeen |= reply.Status == HealthCheckResponse.Types.ServingStatus.NotServing;
                await Task.Delay(500);
            }
        });
        while (down.Elapsed < outage)
        {
            var t0 = Stopwatch.StartNew();
            try
            {
                await load.CreateCaseLoggedAsync(cases, NewCase(), officer, DateTime.UtcNow + Deadline);
                Count(statuses, "OK");
            }
            catch (RpcException e)
            {
                Count(statuses, e.StatusCode.ToString());
            }
            slowest = t0.Elapsed > slowest ? t0.Elapsed : slowest;
            await Task.Delay(200);
        }
        await healthProbe;
        var writesDuringOutage = load.Workload.WritesAcknowledged;

        await _pg.StartAsync();
        var up = Stopwatch.StartNew();
        await host.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        var servingAfter = up.Elapsed;
        // The load resumes by itself: its retries (same request ids) and new writes are acknowledged.
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(60));
        var writingAfter = up.Elapsed;
        Assert.False(host.HasExited, "The host died during the outage:\n" + host.Output);
        await load.StopAsync();

        output.WriteLine($"outage {outage.TotalSeconds} s: intake probes {string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}"))}, slowest {slowest.TotalSeconds:F2} s, slowest health check {slowestHealth.TotalSeconds:F2} s; "
            + $"SERVING {servingAfter.TotalSeconds:F1} s and writes acknowledged again {writingAfter.TotalSeconds:F1} s after the database returned");
        Assert.True(statuses.GetValueOrDefault("Unavailable") > 0, "No intake failed while the database was down: the outage did not happen.");
        Assert.Equal(["Unavailable"], statuses.Keys.Where(k => k != "OK"));
        Assert.True(slowest < Deadline + TimeSpan.FromSeconds(1), $"A call hung for {slowest.TotalSeconds:F1} s (deadline {Deadline.TotalSeconds} s).");
        Assert.True(notServingSeen, "Health never said NOT_SERVING while the database was down.");
        Assert.True(slowestHealth < Deadline, $"A health check took {slowestHealth.TotalSeconds:F1} s.");
        // The load's own calls: failures are UNAVAILABLE (or a deadline), never INTERNAL or UNKNOWN.
        var loadErrors = load.Recorder.Summarise("outage", 0, TimeSpan.FromSeconds(1)).Errors;
        Assert.DoesNotContain("Internal", loadErrors.Keys);
        Assert.DoesNotContain("Unknown", loadErrors.Keys);
        await load.VerifyAsync(host.Channel, output, "database-outage", new()
        {
            ["outage_s"] = outage.TotalSeconds,
            ["intake_probes_during_outage"] = statuses,
            ["slowest_probe_s"] = Math.Round(slowest.TotalSeconds, 2),
            ["slowest_health_check_s"] = Math.Round(slowestHealth.TotalSeconds, 2),
            ["writes_acknowledged_before_restart"] = writesDuringOutage,
            ["serving_after_db_back_s"] = Math.Round(servingAfter.TotalSeconds, 1),
            ["writes_acknowledged_again_after_s"] = Math.Round(writingAfter.TotalSeconds, 1),
        });
    }

    private static void Count(Dictionary<string, int> statuses, string key) => statuses[key] = statuses.GetValueOrDefault(key) + 1;

    private static CreateCaseRequest NewCase() => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Case = new Case
        {
            Ward = "wards/hai-chau-1", Source = IntakeSource.WardSurvey, Categories = { CaseCategory.Neglect },
            Person = new Person { DisplayName = "Trẻ kiểm tra mất cơ sở dữ liệu", Sex = Sex.Unknown, ApproximateAgeYears = 7 },
        },
    };
}
