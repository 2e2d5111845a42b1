using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Faults)]
public sealed class HostLifecycleTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static DirectoryService.DirectoryServiceClient Directory(PlatformHost host) => new(host.Coordinator);

    private static Agency Shelter() => new()
    {
        DisplayName = "Nhà tạm lánh Hội Phụ nữ Đà Nẵng",
        Kind = AgencyKind.Other,
        Services = { "Tạm lánh khẩn cấp" },
    };

    private const string SweepIntervalSql = "select repeat_interval from qrtz_simple_triggers where trigger_name = 'reminder-sweep'";

    [Fact]
    public async Task Data_written_before_a_restart_reads_back_identically_and_the_seed_does_not_run_again()
    {
        Agency created, updatedSeeded;
        var dataDir = System.IO.Directory.CreateTempSubdirectory("coord-restart-").FullName;
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir))
        {
            created = await Directory(host).CreateAgencyAsync(new CreateAgencyRequest
            {
                AgencyId = "danang-shelter", RequestId = "req-1", Agency = Shelter(),
            });
            var police = await Directory(host).GetAgencyAsync(new GetAgencyRequest { Name = "agencies/hai-chau-1-police" });
            updatedSeeded = await Directory(host).UpdateAgencyAsync(new UpdateAgencyRequest
            {
                Agency = new Agency { Name = police.Name, Etag = police.Etag, Contacts = { new Contact { DisplayName = "Trực ban", Phone = "113" } } },
                UpdateMask = FieldMask.FromString("contacts"),
                RequestId = "req-2",
            });
            await host.StopAsync();
            Assert.Equal(0, host.ExitCode);
        }

        Assert.Equal(5000L, await _db.ScalarAsync<long>(SweepIntervalSql));
        // The second start changes the sweep interval: the stored trigger follows (issue 14).
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir,
            environment: new Dictionary<string, string> { ["Reminders__SweepInterval"] = "00:00:03" }))
        {
            Assert.Equal(3000L, await _db.ScalarAsync<long>(SweepIntervalSql));
            var client = Directory(host);
            Assert.Equal(created, await client.GetAgencyAsync(new GetAgencyRequest { Name = created.Name }));
            Assert.Equal(updatedSeeded, await client.GetAgencyAsync(new GetAgencyRequest { Name = updatedSeeded.Name }));
            var listed = await client.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 });
            Assert.Equal(created, listed.Agencies.Single(a => a.Name == created.Name));
            Assert.Equal(updatedSeeded, listed.Agencies.Single(a => a.Name == updatedSeeded.Name));
            // A retry that arrives after the restart still returns the first result.
            var retry = await client.CreateAgencyAsync(new CreateAgencyRequest { AgencyId = "danang-shelter", RequestId = "req-1", Agency = Shelter() });
            Assert.Equal(created, retry);
        }
        Assert.Equal(1L, await _db.ScalarAsync<long>("select count(*) from app_seeds where name = 'demo-directory-v1'"));
        Assert.Equal(1L, await _db.ScalarAsync<long>("select count(*) from app_seeds where name = 'demo-accounts-v1'"));
    }

    [Fact]
    public async Task A_killed_host_loses_nothing_it_acknowledged()
    {
        var acknowledged = new List<Agency>();
        int grpcPort, siloPort;
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: false))
        {
            (grpcPort, siloPort) = (host.GrpcPort, host.SiloPort);
            for (var i = 0; i < 20; i++)
            {
                acknowledged.Add(await Directory(host).CreateAgencyAsync(new CreateAgencyRequest
                {
                    AgencyId = $"kill-check-{i}", RequestId = $"kill-{i}", Agency = Shelter(),
                }));
            }
            await host.KillAsync();
        }

        // Restarted as an operator would (same configuration, so same ports): the new silo replaces
        // its dead predecessor in the membership table at once.
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: false, grpcPort: grpcPort, siloPort: siloPort))
        {
            var listed = await Directory(host).ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 });
            Assert.Equal(acknowledged.OrderBy(a => a.Name, StringComparer.Ordinal), listed.Agencies);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_reported_with_the_variable_that_moves_it()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;

        await using var host = PlatformHost.Launch(_db.ConnectionString, grpcPort: port);
        await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, host.ExitCode);
        Assert.Contains($"Port {port} (gRPC)", host.Output);
        Assert.Contains("COORD_GRPC_PORT", host.Output);
        Assert.DoesNotContain("   at ", host.Output);
    }

    [Theory]
    [InlineData("COORD_LISTEN_ADDRESS", "0.0.0.0", "without TLS", "COORD_ALLOW_CLEARTEXT=1")]
    [InlineData("COORD_FAULT_KILL_AT", "after-state-write", "not in test mode", "Unset COORD_FAULT_KILL_AT")]
    public async Task An_unsafe_setting_stops_the_host_with_one_line_saying_what_to_do(string variable, string value, string reason, string advice)
    {
        await using var host = PlatformHost.Launch(_db.ConnectionString, environment: new Dictionary<string, string> { [variable] = value });
        await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, host.ExitCode);
        Assert.Contains(reason, host.Output);
        Assert.Contains(advice, host.Output);
        Assert.DoesNotContain("   at ", host.Output);
        Assert.DoesNotContain("applied migration", host.Output);
    }

    [Fact]
    public async Task A_failed_migration_stops_the_host_and_names_the_migration()
    {
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString))
        {
            await host.StopAsync();
        }
        await _db.ExecuteAsync("update schema_migrations set checksum = 'tampered' where name = '0002_read_model'");

        await using var broken = PlatformHost.Launch(_db.ConnectionString);
        await broken.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, broken.ExitCode);
        Assert.Contains("refuses to start", broken.Output);
        Assert.Contains("0002_read_model", broken.Output);
        Assert.DoesNotContain("   at ", broken.Output);
    }
}

[Collection(Lanes.Clocks)]
public sealed class ReadModelConvergenceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_crash_between_the_state_write_and_the_read_model_upsert_converges_when_the_grain_activates()
    {
        var dataDir = System.IO.Directory.CreateTempSubdirectory("coord-converge-").FullName;
        Case opened;
        int grpcPort, siloPort;
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir))
        {
            (grpcPort, siloPort) = (host.GrpcPort, host.SiloPort);
            var officer = Credentials.Load(dataDir).As("users/hai-chau-1-officer");
            opened = await new CaseService.CaseServiceClient(host.Coordinator).CreateCaseAsync(new CreateCaseRequest
            {
                RequestId = "converge-1",
                Case = new Case
                {
                    Ward = "wards/hai-chau-1", Source = IntakeSource.WardSurvey, Categories = { CaseCategory.Neglect },
                    Person = new Person { DisplayName = "Lê Văn Tèo", Sex = Sex.Male, ApproximateAgeYears = 9 },
                },
            }, officer);
            await host.StopAsync();
        }

        // Armed: the host dies right after the case's state write, before its read-model upsert.
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir,
            environment: new Dictionary<string, string> { ["COORD_FAULT_KILL_AT"] = "after-state-write", ["COORD_TEST_MODE"] = "1" }))
        {
            var officer = Credentials.Load(dataDir).As("users/hai-chau-1-officer");
            await Assert.ThrowsAsync<RpcException>(() => new CaseService.CaseServiceClient(host.Coordinator).SetConferenceFlagAsync(
                new SetConferenceFlagRequest { Name = opened.Name, Flagged = true, Reason = "Ca khó", RequestId = "converge-flag" }, officer).ResponseAsync);
            await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir))
        {
            var cases = new CaseService.CaseServiceClient(host.Coordinator);
            // Before the grain activates, the row still shows the case as it was before the crash.
            var stale = Assert.Single((await cases.ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1" })).Cases);
            Assert.Null(stale.ConferenceFlag);
            Assert.Empty((await cases.ListCasesAsync(new ListCasesRequest { FlaggedForConference = true })).Cases);

            // The write itself was durable; activating the grain re-upserts its row.
            var truth = await cases.GetCaseAsync(new GetCaseRequest { Name = opened.Name });
            Assert.True(truth.ConferenceFlag.Flagged);
            var listed = Assert.Single((await cases.ListCasesAsync(new ListCasesRequest { FlaggedForConference = true })).Cases);
            Assert.Equal(truth, listed);
            var versionInRow = await _db.ScalarAsync<long>($"select version from rm_cases where id = '{opened.Name["cases/".Length..]}'");
            Assert.Equal(truth.Etag, $"\"{versionInRow}\"");
        }
    }
}
