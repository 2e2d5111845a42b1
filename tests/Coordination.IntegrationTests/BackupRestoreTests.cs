using System.Diagnostics;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Issue 13's backups that restore. Part of <see cref="ClosedLoopTests"/> to share its seeded host
/// (one host start less in a suite at its time budget); works in its own ward, Xuân Hà, and its
/// police post's feed, so the closed-loop tests and this one do not see each other.
/// </summary>
public sealed partial class ClosedLoopTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_backup_taken_under_load_restores_into_a_new_database_and_data_folder_whose_host_serves_the_same_records()
    {
        const string ward = "wards/xuan-ha";
        const string police = "agencies/xuan-ha-police";
        var officer = new Actor("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, ward);
        var viceChair = ViceChair("xuan-ha", "Đỗ Minh Tuấn");
        var source = fixture.Host;
        var clock = Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name)
        {
            phases.Add($"{name} {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();
        }

        // Before the backup: a case, two tasks to the police post (one accepted), the first feed
        // event acknowledged (so the cursor is behind the head), pending follow-up reminders.
        var sampleCase = await NewCase(source, officer, "Trẻ sao lưu");
        var accepted = await Assign(viceChair, police, "Xác minh hoàn cảnh gia đình");
        var open = await Assign(viceChair, police, "Làm việc với nhà trường");
        await Tasks(System(police)).AcceptTaskAsync(new AcceptTaskRequest { Name = accepted.Name, RequestId = NewId() });
        var partner = new PartnerService.PartnerServiceClient(source.As(System(police)));
        var feedBefore = await partner.ListEventsAsync(new ListEventsRequest { Agency = police });
        await partner.AckEventsAsync(new AckEventsRequest { Agency = police, UpToSequence = feedBefore.Events[0].Sequence });
        var caseBefore = await new CaseService.CaseServiceClient(source.Coordinator).GetCaseAsync(new GetCaseRequest { Name = sampleCase.Name });
        var acceptedBefore = await Tasks(viceChair).GetTaskAsync(new GetTaskRequest { Name = accepted.Name });
        var openBefore = await Tasks(viceChair).GetTaskAsync(new GetTaskRequest { Name = open.Name });
        var pendingBefore = await PendingReminders(fixture.Database.ConnectionString, accepted.Name, open.Name);
        Assert.NotEmpty(pendingBefore);

        // Light load while the backup runs: new cases and assignments keep arriving.
        using var stop = new CancellationTokenSource();
        var acknowledged = new List<string>();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var c = await NewCase(source, officer, "Trẻ trong lúc sao lưu");
                var t = await Assign(viceChair, police, "Thăm gia đình");
                lock (acknowledged)
                {
                    acknowledged.AddRange([c.Name, t.Name]);
                }
            }
        });
        Phase("setup");
        await WaitFor(() => { lock (acknowledged) { return acknowledged.Count >= 4; } });
        Phase("load running");
        var backup = Path.Combine(Path.GetTempPath(), "coord-backup-" + Guid.NewGuid().ToString("N"));
        var (backedUp, backupOutput) = await CoordCli.RunAsync(source.DataDirectory,
            "backup", "--out", backup, "--db", fixture.Database.ConnectionString, "--data", source.DataDirectory);
        Phase("backup");
        await WaitFor(() => { lock (acknowledged) { return acknowledged.Count >= 10; } });
        await stop.CancelAsync();
        await load;
        Assert.True(backedUp == 0, backupOutput);
        Assert.Contains("Backed up", backupOutput);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json")));
        var counts = manifest.RootElement.GetProperty("rowCounts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        // The key ring's files (one per key), the demo's credentials, the dump.
        var keyFiles = Directory.GetFiles(Path.Combine(source.DataDirectory, "keys")).Select(f => "keys/" + Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(keyFiles);
        Assert.Equal(["data/demo-passwords.json", "data/dev-credentials.json", .. keyFiles.Select(k => "data/" + k), "database.dump"],
            manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(backup, "database.dump")));
        var (verified, verifyOutput) = await CoordCli.RunAsync(source.DataDirectory, "backup", "verify", backup);
        Assert.True(verified == 0, verifyOutput);
        Phase("load stopped, verify");

        // Restore into a new, empty database and a new data folder.
        await using var restoredDb = await TestDatabase.CreateAsync(empty: true);
        var restoredData = Path.Combine(Path.GetTempPath(), "coord-restored-" + Guid.NewGuid().ToString("N"));
        var (restored, restoreOutput) = await CoordCli.RunAsync(restoredData, "restore", backup, "--db", restoredDb.ConnectionString, "--data", restoredData);
        Assert.True(restored == 0, restoreOutput);
        Phase("restore");
        Assert.Contains("Restored", restoreOutput);
        // Safe by default: a second restore over the now non-empty database is refused and changes nothing.
        var (again, againOutput) = await CoordCli.RunAsync(restoredData, "restore", backup, "--db", restoredDb.ConnectionString, "--data", restoredData);
        Assert.True(again == 1, againOutput);
        Assert.Contains("already holds", againOutput);
        Phase("refused second restore");

        foreach (var key in keyFiles)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(source.DataDirectory, key)), await File.ReadAllBytesAsync(Path.Combine(restoredData, key)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(restoredData, key)));
        }
        // The database holds exactly the rows of the dump's snapshot: more than before the load, fewer than after it.
        foreach (var table in (string[])["rm_cases", "rm_tasks", "case_events", "feed_events", "audit_events", "accounts", "orleansstorage", "task_states", "task_events"])
        {
            Assert.Equal(counts[table], await restoredDb.ScalarAsync<long>($"select count(*) from {table}"));
        }
        Assert.Equal(counts["reminders:pending"], await restoredDb.ScalarAsync<long>("select count(*) from reminders where fired_at is null"));
        Assert.Equal(0L, await restoredDb.ScalarAsync<long>("select count(*) from orleansmembershiptable"));
        Assert.Equal(pendingBefore, await PendingReminders(restoredDb.ConnectionString, accepted.Name, open.Name));
        Assert.InRange(counts["rm_cases"], await fixture.Database.ScalarAsync<long>("select count(*) from rm_cases") - acknowledged.Count, await fixture.Database.ScalarAsync<long>("select count(*) from rm_cases"));
        // Every audit entry restored is the source's entry with the same id, unchanged.
        var restoredAudit = await AuditRows(restoredDb.ConnectionString);
        var sourceAudit = (await AuditRows(fixture.Database.ConnectionString)).ToDictionary(r => r.Id);
        Assert.Equal(counts["audit_events"], restoredAudit.Count);
        Assert.All(restoredAudit, r => Assert.Equal(sourceAudit[r.Id], r));

        // A host on the restored database and data folder serves the same records, and tokens
        // signed before the backup (the restored key) are accepted.
        Phase("database compared");
        await using var host = await PlatformHost.StartAsync(restoredDb.ConnectionString, dataDir: restoredData);
        Phase("restored host started");
        var beforeToken = new Metadata { { "authorization", "Bearer " + source.TokenFor(new Actor("users/test-coordinator", "Điều phối viên thử", Actor.CentreCoordinator, "city")) } };
        var cases = new CaseService.CaseServiceClient(host.Channel);
        Assert.Equal(caseBefore, await cases.GetCaseAsync(new GetCaseRequest { Name = sampleCase.Name }, beforeToken));
        var restoredTasks = new TaskService.TaskServiceClient(host.As(viceChair));
        Assert.Equal(acceptedBefore, await restoredTasks.GetTaskAsync(new GetTaskRequest { Name = accepted.Name }));
        Assert.Equal(openBefore, await restoredTasks.GetTaskAsync(new GetTaskRequest { Name = open.Name }));
        var listed = await cases.ListCasesAsync(new ListCasesRequest { Ward = ward, PageSize = 500 }, beforeToken);
        Assert.Equal(await restoredDb.ScalarAsync<long>("select count(*) from rm_cases where ward_id = 'xuan-ha'"), listed.Cases.Count);
        Assert.Contains(sampleCase.Name, listed.Cases.Select(c => c.Name));
        // The police post's feed: the same events in the same order, and its cursor where it was.
        var restoredFeed = await new PartnerService.PartnerServiceClient(host.As(System(police))).ListEventsAsync(new ListEventsRequest { Agency = police, PageSize = 500 });
        var sourceFeed = await partner.ListEventsAsync(new ListEventsRequest { Agency = police, PageSize = 500 });
        Assert.Equal(feedBefore.Events[0].Sequence, restoredFeed.AckedSequence);
        Assert.True(restoredFeed.LastSequence >= feedBefore.LastSequence, "events acknowledged before the backup are in the restored feed");
        Assert.Equal(sourceFeed.Events.TakeWhile(e => e.Sequence <= restoredFeed.LastSequence).Select(e => (e.Sequence, e.Id, e.Type)),
            restoredFeed.Events.Select(e => (e.Sequence, e.Id, e.Type)));
        // The case's audit trail through the platform: every entry from before the backup.
        var auditor = new AuditService.AuditServiceClient(host.As(new Actor("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city")));
        var trail = await auditor.ListAuditEventsAsync(new ListAuditEventsRequest { Case = sampleCase.Name, PageSize = 500 });
        var sourceTrail = await new AuditService.AuditServiceClient(source.As(new Actor("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city")))
            .ListAuditEventsAsync(new ListAuditEventsRequest { Case = sampleCase.Name, PageSize = 500 });
        Assert.Contains(trail.Events, e => e.Method.EndsWith("CreateCase", StringComparison.Ordinal));
        Assert.Subset(sourceTrail.Events.ToHashSet(), trail.Events.Where(e => e.Id <= counts["audit_events:max_id"]).ToHashSet());
        // And it keeps working: the restored police post accepts the open task.
        await new TaskService.TaskServiceClient(host.As(System(police))).AcceptTaskAsync(new AcceptTaskRequest { Name = open.Name, RequestId = NewId() });

        Phase("platform compared");
        testOutput.WriteLine(string.Join(", ", phases) + $"; {counts["rm_cases"]} cases, {counts["rm_tasks"]} tasks, {counts["audit_events"]} audit events, {counts["reminders:pending"]} pending reminders in the backup");
        Directory.Delete(backup, recursive: true);
        Directory.Delete(restoredData, recursive: true);
    }

    private static async Task<Case> NewCase(PlatformHost host, Actor officer, string name) =>
        await new CaseService.CaseServiceClient(host.As(officer)).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = NewId(),
            Case = new Case
            {
                Ward = officer.Scope, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = name, Sex = Sex.Female, ApproximateAgeYears = 9 },
            },
        });

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the load made no progress");
            await Task.Delay(50);
        }
    }

    private static async Task<List<(string Item, DateTime Due)>> PendingReminders(string connectionString, params string[] tasks)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select item_key, due_at from reminders where fired_at is null and target_id = any(@t) order by item_key", conn);
        cmd.Parameters.AddWithValue("t", tasks.Select(t => t["tasks/".Length..]).ToArray());
        var rows = new List<(string, DateTime)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetDateTime(1)));
        }
        return rows;
    }

    private static async Task<List<(long Id, DateTime Time, string Principal, string Method, string Resource, string Outcome)>> AuditRows(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select id, time, principal, method, resource, outcome from audit_events order by id", conn);
        var rows = new List<(long, DateTime, string, string, string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }
        return rows;
    }
}
