using Coordination.Api.Scheduling;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>Follow-up reminders through real Quartz (clustered store) on real PostgreSQL into the partner feed.</summary>
[Collection(Lanes.Clocks)]
public sealed class ReminderTests : IAsyncLifetime
{
    private const string Police = "agencies/xuan-ha-police";
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Xuân Hà", Actor.AgencySystem, Police);
    private static readonly Actor ViceChair = new("users/xuan-ha-vice-chair", "Đỗ Minh Tuấn", Actor.WardViceChair, "wards/xuan-ha");

    private TestDatabase _db = null!;
    private PlatformHost _host = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true,
            environment: new Dictionary<string, string> { ["Reminders__SweepInterval"] = "00:00:01" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Task<Coordination.V1.Task> Assign(string title, TimeSpan dueIn) =>
        new WardService.WardServiceClient(_host.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/xuan-ha", Assignee = Police, Title = title, Instructions = "Kiểm tra",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + dueIn), RequestId = Guid.NewGuid().ToString(),
        }).ResponseAsync;

    [Fact]
    public async Task An_open_task_past_its_due_time_reaches_the_agency_feed_once_and_a_completed_one_never_does()
    {
        var late = await Assign("Sẽ quá hạn", TimeSpan.FromSeconds(3));
        // Due a little later, so that even on a loaded machine it is completed before its due time.
        var done = await Assign("Làm xong trước hạn", TimeSpan.FromSeconds(10));
        var tasks = new TaskService.TaskServiceClient(_host.As(PoliceSystem));
        await tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = done.Name, RequestId = Guid.NewGuid().ToString() });
        await tasks.ReportProgressAsync(new ReportProgressRequest { Name = done.Name, Note = "Đang làm", RequestId = Guid.NewGuid().ToString() });
        await tasks.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = done.Name, RequestId = Guid.NewGuid().ToString(), Outcome = new OutcomeReport { ActionsTaken = "a", Result = "r" },
        });
        Assert.True(DateTimeOffset.UtcNow < done.DueTime.ToDateTimeOffset(), "The machine was too slow to complete the task before its due time");

        var feed = new PartnerService.PartnerServiceClient(_host.As(PoliceSystem));
        List<PartnerEvent> overdue = [];
        for (var i = 0; i < 150 && overdue.Count == 0; i++)
        {
            await Task.Delay(100);
            overdue = [.. (await feed.ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 100 })).Events
                .Where(e => e.Type == PartnerEventType.Overdue)];
        }
        // A host killed after the grain delivered and before the sweep marked the row: the row is due
        // again and the next sweep hands it to the grain a second time (issue 14). The grain's
        // de-duplication by reminder must keep it to one event.
        var lateId = late.Name["tasks/".Length..];
        Assert.True(await _db.ScalarAsync<long>($"select count(*) from reminders where target_id = '{lateId}' and fired_at is not null") >= 1);
        await _db.ExecuteAsync($"update reminders set fired_at = null, retry_at = null where target_id = '{lateId}' and fired_at is not null");
        // Let a few more sweeps pass, past the completed task's due time: nothing is delivered twice,
        // and the completed task stays silent.
        var quiet = done.DueTime.ToDateTimeOffset() + TimeSpan.FromSeconds(3) - DateTimeOffset.UtcNow;
        await Task.Delay(quiet > TimeSpan.FromSeconds(3) ? quiet : TimeSpan.FromSeconds(3));
        var all = (await feed.ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 100 })).Events;

        // The reset rows were swept again…
        Assert.Equal(0L, await _db.ScalarAsync<long>($"select count(*) from reminders where target_id = '{lateId}' and fired_at is null and due_at <= now()"));
        // …and still yielded one event each.
        Assert.True(all.Count(e => e.Task.Name == late.Name && e.Type == PartnerEventType.DueSoon) <= 1);
        var only = Assert.Single(all, e => e.Type == PartnerEventType.Overdue);
        Assert.Equal(late.Name, only.Task.Name);
        Assert.DoesNotContain(all, e => e.Task.Name == done.Name && e.Type is PartnerEventType.Overdue or PartnerEventType.DueSoon or PartnerEventType.Escalated);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"select count(*) from reminders where target_id = '{done.Name["tasks/".Length..]}' and fired_at is null"));
    }

    [Fact]
    public async Task With_two_hosts_or_a_host_down_across_the_due_time_each_reminder_is_delivered_once()
    {
        // A second host joins the cluster (same database, same data folder for the signing key).
        await using var second = await PlatformHost.StartAsync(_db.ConnectionString, dataDir: _host.DataDirectory,
            environment: new Dictionary<string, string> { ["Reminders__SweepInterval"] = "00:00:01" });
        var both = await Assign("Hai máy chủ", TimeSpan.FromSeconds(3));

        // The first host stops before the next one falls due, and comes back after.
        var (grpcPort, siloPort) = (_host.GrpcPort, _host.SiloPort);
        var whileDown = await Assign("Trong lúc dừng", TimeSpan.FromSeconds(6));
        await second.StopAsync();
        await _host.StopAsync();
        await _host.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(7));
        _host = await PlatformHost.StartAsync(_db.ConnectionString, grpcPort: grpcPort, siloPort: siloPort, dataDir: second.DataDirectory,
            environment: new Dictionary<string, string> { ["Reminders__SweepInterval"] = "00:00:01" });

        var feed = new PartnerService.PartnerServiceClient(_host.As(PoliceSystem));
        IList<PartnerEvent> events = [];
        for (var i = 0; i < 150; i++)
        {
            events = (await feed.ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 100 })).Events;
            if (events.Count(e => e.Type == PartnerEventType.Overdue) >= 2)
            {
                break;
            }
            await Task.Delay(100);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        events = (await feed.ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 100 })).Events;

        Assert.Single(events, e => e.Type == PartnerEventType.Overdue && e.Task.Name == both.Name);
        Assert.Single(events, e => e.Type == PartnerEventType.Overdue && e.Task.Name == whileDown.Name);
    }

    [Fact]
    public async Task Reminders_that_keep_failing_do_not_hold_back_the_ones_that_can_be_delivered()
    {
        // More undeliverable due rows than one sweep batch (500): e.g. a newer host's target during
        // a rolling upgrade. They back off instead of filling every batch.
        await _db.ExecuteAsync("""
            insert into reminders (item_key, target, target_id, kind, due_at)
            select 'future-' || g, 'future-target', 'x-' || g, 6, now() - interval '1 minute' from generate_series(1, 600) g
            """);
        var late = await Assign("Vẫn được nhắc", TimeSpan.FromSeconds(2));

        var feed = new PartnerService.PartnerServiceClient(_host.As(PoliceSystem));
        var delivered = false;
        for (var i = 0; i < 200 && !delivered; i++)
        {
            await Task.Delay(100);
            delivered = (await feed.ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 500 })).Events
                .Any(e => e.Type == PartnerEventType.Overdue && e.Task.Name == late.Name);
        }

        Assert.True(delivered, "the task's OVERDUE should arrive despite 600 failing reminders ahead of it");
        Assert.Equal(600L, await _db.ScalarAsync<long>("select count(*) from reminders where target = 'future-target' and fired_at is null and retry_at is not null"));
    }

    [Fact]
    public async Task Open_cases_and_tasks_without_follow_ups_get_them_when_a_host_starts()
    {
        var officer = new Actor("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha");
        async Task<string> Open(string name) => (await new CaseService.CaseServiceClient(_host.As(officer)).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/xuan-ha", Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = name, Sex = Sex.Female, ApproximateAgeYears = 6 },
            },
        })).Name["cases/".Length..];
        var caseId = await Open("Trẻ trước khi có nhắc việc");
        var untouched = await Open("Trẻ lâu không đổi");
        var taskId = (await Assign("Trước khi có nhắc việc", TimeSpan.FromDays(10))).Name["tasks/".Length..];
        string Count(string target, string id) => $"select count(*) from reminders where target = '{target}' and target_id = '{id}' and fired_at is null";
        Assert.Equal(3L, await _db.ScalarAsync<long>(Count("case", caseId))); // plan: due soon, overdue, escalated
        Assert.Equal(4L, await _db.ScalarAsync<long>(Count("task", taskId)));
        // The first start's pass (over every row: no pass had completed on this database) is remembered.
        for (var i = 0; i < 200 && await Mark() == DateTime.UnixEpoch; i++)
        {
            await Task.Delay(100);
        }
        var first = await Mark();
        Assert.NotEqual(DateTime.UnixEpoch, first);

        // As if they were left without follow-ups (by a version without them, or a crash between the
        // state write and the projection): no rows. A restarted host plans those changed since an hour
        // before the last completed pass, and does not look at a case untouched for two days again (at
        // a million cases, looking at every row took minutes at every start).
        await _host.DisposeAsync();
        await _db.ExecuteAsync($"delete from reminders where target_id in ('{caseId}', '{taskId}', '{untouched}'); "
            + $"update rm_cases set updated_at = now() - interval '2 days' where id = '{untouched}'");
        await Restart();
        for (var i = 0; i < 200 && (await _db.ScalarAsync<long>(Count("case", caseId)) < 3 || await _db.ScalarAsync<long>(Count("task", taskId)) < 4 || await Mark() <= first); i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(3L, await _db.ScalarAsync<long>(Count("case", caseId)));
        Assert.Equal(4L, await _db.ScalarAsync<long>(Count("task", taskId)));
        Assert.Equal(0L, await _db.ScalarAsync<long>(Count("case", untouched)));
        // The completed pass is remembered an hour before it began (writes in flight are looked at again).
        var mark = await Mark();
        var now = await _db.ScalarAsync<DateTime>("select now()");
        Assert.InRange(mark, now - FollowUpBackfill.Margin - TimeSpan.FromMinutes(5), now - FollowUpBackfill.Margin);
    }

    private async Task Restart() => _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true,
        environment: new Dictionary<string, string> { ["Reminders__SweepInterval"] = "00:00:01" });

    private Task<DateTime> Mark() =>
        _db.ScalarAsync<DateTime>($"select coalesce((select done_through from maintenance_marks where name = '{FollowUpBackfill.MarkName}'), 'epoch')");
}
