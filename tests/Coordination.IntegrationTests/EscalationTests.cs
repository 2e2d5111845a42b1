using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Escalations into the people's inboxes through real Quartz on real PostgreSQL: a late task goes
/// to the assigner's ward office and then the Centre, an emergency task nobody accepts goes to both,
/// and a case's 12-hour emergency clock warns the ward and escalates to the Centre as it runs out.
/// The host runs with every delay shortened to seconds (working-day offsets of 0).
/// </summary>
[Collection(Lanes.Clocks)]
public sealed class EscalationTests : IAsyncLifetime
{
    private const string Ward = "wards/xuan-ha";
    private const string Police = "agencies/xuan-ha-police";
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Xuân Hà", Actor.AgencySystem, Police);
    private static readonly Actor ViceChair = new("users/xuan-ha-vice-chair", "Đỗ Minh Tuấn", Actor.WardViceChair, Ward);
    private static readonly Actor Officer = new("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, Ward);
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");

    private TestDatabase _db = null!;
    private PlatformHost _host = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, environment: new Dictionary<string, string>
        {
            ["Reminders__SweepInterval"] = "00:00:01",
            ["Reminders__EscalateAfterWorkingDays"] = "0",
            ["Reminders__EscalateToCentreAfterWorkingDays"] = "0",
            ["Reminders__EmergencyAcceptWithin"] = "00:00:03",
            ["Reminders__EmergencyWarningBefore"] = "00:00:04",
            ["CaseClocks__EmergencyMeasures"] = "00:00:08",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static string Rid() => Guid.NewGuid().ToString();

    private InboxService.InboxServiceClient Inbox(Actor actor) => new(_host.As(actor));

    private Task<Coordination.V1.Task> Assign(string title, TimeSpan dueIn, TaskKind kind = TaskKind.Assignment, string caseName = "") =>
        new WardService.WardServiceClient(_host.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = Ward, Case = caseName, Assignee = Police, Title = title, Instructions = "Kiểm tra", Kind = kind,
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + dueIn), RequestId = Rid(),
        }).ResponseAsync;

    /// <summary>Polls an inbox until <paramref name="enough"/> holds for its events (or 20 s pass).</summary>
    private async Task<List<InboxEvent>> WaitFor(Actor reader, string inbox, Func<List<InboxEvent>, bool> enough)
    {
        List<InboxEvent> events = [];
        for (var i = 0; i < 200; i++)
        {
            events = [.. (await Inbox(reader).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = inbox, PageSize = 500 })).Events];
            if (enough(events))
            {
                break;
            }
            await Task.Delay(100);
        }
        return events;
    }

    [Fact]
    public async Task A_late_task_is_escalated_to_the_assigners_ward_office_then_the_centre_once_each()
    {
        var late = await Assign("Xác minh hoàn cảnh gia đình", TimeSpan.FromSeconds(3));
        // Cancelled long before its due time, however slow the machine.
        var onTime = await Assign("Hoàn thành đúng hạn", TimeSpan.FromSeconds(30));
        var tasks = new TaskService.TaskServiceClient(_host.As(PoliceSystem));
        await tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = onTime.Name, RequestId = Rid() });
        await new TaskService.TaskServiceClient(_host.As(ViceChair)).CancelTaskAsync(new CancelTaskRequest { Name = onTime.Name, Reason = "Không còn cần", RequestId = Rid() });

        var ward = await WaitFor(ViceChair, Ward + "/inbox", e => e.Any(x => x.Task == late.Name && x.Type == InboxEventType.TaskEscalated));
        var centre = await WaitFor(Coordinator, "centre/inbox", e => e.Any(x => x.Task == late.Name && x.Type == InboxEventType.TaskEscalated));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few more sweeps: nothing twice
        ward = [.. (await Inbox(Officer).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = Ward + "/inbox", PageSize = 500 })).Events];
        centre = [.. (await Inbox(Coordinator).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 })).Events];

        var toWard = Assert.Single(ward, x => x.Task == late.Name && x.Type == InboxEventType.TaskEscalated);
        Assert.Equal("Nhiệm vụ quá hạn: Xác minh hoàn cảnh gia đình / task overdue", toWard.Title);
        Assert.Single(centre, x => x.Task == late.Name && x.Type == InboxEventType.TaskEscalated);
        Assert.DoesNotContain(ward.Concat(centre), x => x.Task == onTime.Name);
        Assert.Equal(Enumerable.Range(1, ward.Count).Select(i => (long)i), ward.Select(x => x.Sequence));

        // The agency is told too (OVERDUE, then ESCALATED), once each.
        var feed = (await new PartnerService.PartnerServiceClient(_host.As(PoliceSystem)).ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 500 })).Events;
        Assert.Single(feed, e => e.Task?.Name == late.Name && e.Type == PartnerEventType.Overdue);
        Assert.Single(feed, e => e.Task?.Name == late.Name && e.Type == PartnerEventType.Escalated);

        // A ward system without gRPC reads the same inbox over REST.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _host.TokenFor(Officer));
        using var rest = await http.GetAsync($"/v1/{Ward}/inbox/events?pageSize=500");
        Assert.Equal(System.Net.HttpStatusCode.OK, rest.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await rest.Content.ReadAsStringAsync());
        Assert.Contains(json.RootElement.GetProperty("events").EnumerateArray(), e =>
            e.GetProperty("task").GetString() == late.Name && e.GetProperty("type").GetString() == "INBOX_EVENT_TYPE_TASK_ESCALATED"
            && e.GetProperty("title").GetString() == "Nhiệm vụ quá hạn: Xác minh hoàn cảnh gia đình / task overdue");

        // The ward acknowledges; the cursor never moves back.
        var acked = await Inbox(ViceChair).AckInboxEventsAsync(new AckInboxEventsRequest { Inbox = Ward + "/inbox", UpToSequence = toWard.Sequence });
        Assert.Equal(toWard.Sequence, acked.AckedSequence);
        Assert.Equal(toWard.Sequence, (await Inbox(ViceChair).AckInboxEventsAsync(new AckInboxEventsRequest { Inbox = Ward + "/inbox", UpToSequence = 0 })).AckedSequence);
    }

    [Fact]
    public async Task An_emergency_task_nobody_accepts_in_time_goes_to_the_ward_office_and_the_centre_an_accepted_one_does_not()
    {
        var ignored = await Assign("Bảo đảm an toàn cho trẻ", TimeSpan.FromDays(3), TaskKind.Emergency);
        var accepted = await Assign("Đưa trẻ đi khám", TimeSpan.FromDays(3), TaskKind.Emergency);
        await new TaskService.TaskServiceClient(_host.As(PoliceSystem)).AcceptTaskAsync(new AcceptTaskRequest { Name = accepted.Name, RequestId = Rid() });

        var ward = await WaitFor(Officer, Ward + "/inbox", e => e.Any(x => x.Task == ignored.Name && x.Type == InboxEventType.TaskNotAccepted));
        var centre = await WaitFor(Coordinator, "centre/inbox", e => e.Any(x => x.Task == ignored.Name && x.Type == InboxEventType.TaskNotAccepted));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(ward, x => x.Task == ignored.Name && x.Type == InboxEventType.TaskNotAccepted);
        Assert.Single(centre, x => x.Task == ignored.Name && x.Type == InboxEventType.TaskNotAccepted);
        var all = (await Inbox(Coordinator).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 })).Events;
        Assert.DoesNotContain(all, x => x.Task == accepted.Name);
    }

    [Fact]
    public async Task A_cases_emergency_clock_warns_the_ward_then_escalates_to_the_centre_and_shows_in_the_case_timeline()
    {
        var cases = new CaseService.CaseServiceClient(_host.As(Officer));
        var opened = await cases.CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Rid(),
            Case = new Case
            {
                Ward = Ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = "Trẻ khẩn cấp", Sex = Sex.Male, ApproximateAgeYears = 9 },
            },
        });
        var assessed = await cases.RecordInitialAssessmentAsync(new RecordInitialAssessmentRequest
        {
            Name = opened.Name, RequestId = Rid(), Etag = opened.Etag,
            Assessment = new Assessment { RiskLevel = RiskLevel.Serious, Findings = "Nguy cơ bị tổn hại nghiêm trọng" },
        });
        Assert.Equal(CaseStep.Emergency, assessed.Step);

        var ward = await WaitFor(Officer, Ward + "/inbox", e => e.Any(x => x.Case == opened.Name && x.Type == InboxEventType.CaseDeadlineOverdue));
        var centre = await WaitFor(Coordinator, "centre/inbox", e => e.Any(x => x.Case == opened.Name && x.Type == InboxEventType.CaseDeadlineEscalated));

        var soon = Assert.Single(ward, x => x.Case == opened.Name && x.Type == InboxEventType.CaseDeadlineDueSoon);
        Assert.Contains("biện pháp bảo vệ khẩn cấp", soon.Title);
        var overdue = Assert.Single(ward, x => x.Case == opened.Name && x.Type == InboxEventType.CaseDeadlineOverdue);
        Assert.True(soon.Sequence < overdue.Sequence);
        Assert.Single(centre, x => x.Case == opened.Name && x.Type == InboxEventType.CaseDeadlineEscalated);

        // The case's timeline shows what went out, by the platform.
        var timeline = (await cases.ListCaseTimelineAsync(new ListCaseTimelineRequest { Name = opened.Name })).Entries;
        Assert.Contains(timeline, e => e.Action == "REMINDER_CASE_DUE_SOON");
        Assert.Contains(timeline, e => e.Action == "REMINDER_CASE_OVERDUE" && e.Detail.Contains("emergency measures"));
    }

    [Fact]
    public async Task Inbox_names_are_checked_and_other_wards_are_refused()
    {
        var inbox = Inbox(ViceChair);
        await RpcAssert.FailsWithFields(
            () => inbox.ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "wards/Xuân Hà/inbox", AfterSequence = -1 }).ResponseAsync,
            "inbox", "after_sequence");
        await RpcAssert.Fails(StatusCode.InvalidArgument, () => inbox.ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "people/me" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => inbox.ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "wards/hai-chau-1/inbox" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => inbox.ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied,
            () => Inbox(Coordinator).AckInboxEventsAsync(new AckInboxEventsRequest { Inbox = Ward + "/inbox", UpToSequence = 1 }).ResponseAsync);
    }
}
