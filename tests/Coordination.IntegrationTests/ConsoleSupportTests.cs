using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;
using V1Task = Coordination.V1.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// What the people's console needs besides accounts, through the real host: the working-day
/// calendar, inbox notices as things happen (an emergency, a proposed plan, a rejection, an
/// outcome), and the task lists of the referral tracker.
/// </summary>
[Collection(Lanes.Work)]
public sealed class ConsoleSupportTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");

    private static string Rid() => Guid.NewGuid().ToString();

    private static Actor ViceChair(string ward) => new($"users/{ward}-vice-chair", "Phó Chủ tịch", Actor.WardViceChair, "wards/" + ward);

    private static Actor Officer(string ward) => new($"users/{ward}-officer", "Cán bộ", Actor.WardOfficer, "wards/" + ward);

    private static Actor AgencySystem(string agency) => new("agencies/" + agency, agency, Actor.AgencySystem, "agencies/" + agency);

    private async Task<V1Task> Assign(string ward, string agency, string title, string caseName = "") =>
        await new WardService.WardServiceClient(fixture.Host.As(ViceChair(ward))).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/" + ward, Case = caseName, Assignee = "agencies/" + agency, Title = title, Instructions = "Thực hiện",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(5)), RequestId = Rid(),
        });

    private async Task<List<InboxEvent>> Inbox(Actor reader, string inbox) =>
        [.. (await new InboxService.InboxServiceClient(fixture.Host.As(reader)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = inbox, PageSize = 500 })).Events];

    [Fact]
    public async Task The_calendar_counts_working_days_across_the_Tet_week()
    {
        var calendar = new CalendarService.CalendarServiceClient(fixture.Host.As(Officer("hai-chau-1")));

        // Tết 2027: the lunar new year is Saturday 6 February. Off: Friday 5 (the last day of the old
        // year), Monday 8 and Tuesday 9 (the 3rd and 4th days), and Wednesday 10 and Thursday 11 in
        // lieu of the Saturday and Sunday.
        var daysOff = (await calendar.ListDaysOffAsync(new ListDaysOffRequest { Year = 2027 })).Days.Select(d => new DateOnly(d.Year, d.Month, d.Day)).ToList();
        Assert.Equal(daysOff.Order(), daysOff);
        Assert.Contains(new DateOnly(2027, 1, 1), daysOff);
        Assert.Contains(new DateOnly(2027, 9, 2), daysOff);
        Assert.Equal(
            [new DateOnly(2027, 2, 5), new DateOnly(2027, 2, 8), new DateOnly(2027, 2, 9), new DateOnly(2027, 2, 10), new DateOnly(2027, 2, 11)],
            daysOff.Where(d => d.Month == 2));
        Assert.DoesNotContain(daysOff, d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);

        // Thursday 4 February 2027, 09:00 in Vietnam (02:00 UTC): one working day later is Friday 12 February.
        var start = new DateTimeOffset(2027, 2, 4, 2, 0, 0, TimeSpan.Zero);
        var one = await calendar.AddWorkingDaysAsync(new AddWorkingDaysRequest { StartTime = Timestamp.FromDateTimeOffset(start), WorkingDays = 1 });
        Assert.Equal(new DateTimeOffset(2027, 2, 12, 2, 0, 0, TimeSpan.Zero), one.EndTime.ToDateTimeOffset());
        Assert.Equal(new CalendarDate { Year = 2027, Month = 2, Day = 12 }, one.EndDate);
        var five = await calendar.AddWorkingDaysAsync(new AddWorkingDaysRequest { StartTime = Timestamp.FromDateTimeOffset(start), WorkingDays = 5 });
        Assert.Equal(new CalendarDate { Year = 2027, Month = 2, Day = 18 }, five.EndDate);

        // Without a start it counts from now; bad input names its field.
        var fromNow = await calendar.AddWorkingDaysAsync(new AddWorkingDaysRequest { WorkingDays = 5 });
        Assert.True(fromNow.EndTime.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(5));
        await RpcAssert.FailsWithFields(() => calendar.AddWorkingDaysAsync(new AddWorkingDaysRequest { WorkingDays = 0 }).ResponseAsync, "working_days");
        await RpcAssert.FailsWithFields(() => calendar.ListDaysOffAsync(new ListDaysOffRequest { Year = 1990 }).ResponseAsync, "year");
        // A token is needed, any signed-in role will do.
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new CalendarService.CalendarServiceClient(fixture.Host.Channel)
            .ListDaysOffAsync(new ListDaysOffRequest { Year = 2027 }).ResponseAsync);
    }

    [Fact]
    public async Task An_emergency_a_proposed_plan_a_rejection_and_outcomes_each_reach_the_right_inbox_once()
    {
        const string ward = "hai-chau-1";
        var officer = new CaseService.CaseServiceClient(fixture.Host.As(Officer(ward)));
        var opened = await officer.CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Rid(),
            Case = new Case
            {
                Ward = "wards/" + ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = "Trẻ khẩn cấp", Sex = Sex.Female, ApproximateAgeYears = 8 },
            },
        });
        var assess = new RecordInitialAssessmentRequest
        {
            Name = opened.Name, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.Serious, Findings = "Bị bạo hành" },
        };
        var assessed = await officer.RecordInitialAssessmentAsync(assess);
        await officer.RecordInitialAssessmentAsync(assess);
        var propose = new ProposePlanRequest
        {
            Name = opened.Name, RequestId = Rid(),
            Plan = new SupportPlan { Goal = "An toàn", Items = { new PlanItem { Action = "Tạm lánh", Responsible = "agencies/hai-chau-1-police" } } },
        };
        await officer.ProposePlanAsync(propose);
        await officer.ProposePlanAsync(propose);

        var police = new TaskService.TaskServiceClient(fixture.Host.As(AgencySystem("hai-chau-1-police")));
        var rejected = await Assign(ward, "hai-chau-1-police", "Xác minh A", opened.Name);
        var reject = new RejectTaskRequest { Name = rejected.Name, Reason = "Không thuộc thẩm quyền", RequestId = Rid() };
        await police.RejectTaskAsync(reject);
        await police.RejectTaskAsync(reject);
        var completed = await Assign(ward, "hai-chau-1-police", "Xác minh B", opened.Name);
        await police.AcceptTaskAsync(new AcceptTaskRequest { Name = completed.Name, RequestId = Rid() });
        await police.StartTaskAsync(new StartTaskRequest { Name = completed.Name, RequestId = Rid() });
        var complete = new CompleteTaskRequest
        {
            Name = completed.Name, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "Đã làm việc với gia đình", Result = "An toàn" },
        };
        await police.CompleteTaskAsync(complete);
        await police.CompleteTaskAsync(complete);
        var failed = await Assign(ward, "hai-chau-1-police", "Xác minh C", opened.Name);
        await police.AcceptTaskAsync(new AcceptTaskRequest { Name = failed.Name, RequestId = Rid() });
        await police.FailTaskAsync(new FailTaskRequest { Name = failed.Name, Reason = "Gia đình đã chuyển đi", RequestId = Rid() });

        var wardInbox = await Inbox(ViceChair(ward), $"wards/{ward}/inbox");
        var centreInbox = await Inbox(Coordinator, "centre/inbox");

        var emergency = Assert.Single(wardInbox, e => e.Type == InboxEventType.CaseEmergency && e.Case == opened.Name);
        Assert.Single(centreInbox, e => e.Type == InboxEventType.CaseEmergency && e.Case == opened.Name);
        var due = assessed.Clocks.EmergencyMeasuresDueTime.ToDateTimeOffset();
        var local = TimeZoneInfo.ConvertTime(due, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")).ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(local, emergency.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Trẻ khẩn cấp", emergency.Title + emergency.Detail, StringComparison.Ordinal);
        Assert.Single(wardInbox, e => e.Type == InboxEventType.PlanProposed && e.Case == opened.Name);
        Assert.DoesNotContain(centreInbox, e => e.Type == InboxEventType.PlanProposed && e.Case == opened.Name);
        var rejection = Assert.Single(wardInbox, e => e.Type == InboxEventType.TaskRejected);
        Assert.Equal(rejected.Name, rejection.Task);
        Assert.Contains("Không thuộc thẩm quyền", rejection.Detail, StringComparison.Ordinal);
        Assert.Single(wardInbox, e => e.Type == InboxEventType.TaskOutcomeReported && e.Task == completed.Name);
        Assert.Single(wardInbox, e => e.Type == InboxEventType.TaskOutcomeReported && e.Task == failed.Name);
    }

    [Fact]
    public async Task The_referral_tracker_lists_open_tasks_outcomes_awaiting_review_and_tasks_by_agency_kind()
    {
        const string ward = "thanh-khe-dong";
        var police = new TaskService.TaskServiceClient(fixture.Host.As(AgencySystem("thanh-khe-dong-police")));
        var open = await Assign(ward, "thanh-khe-dong-health", "Khám sức khỏe");
        var done = await Assign(ward, "thanh-khe-dong-police", "Bảo vệ an toàn");
        await police.AcceptTaskAsync(new AcceptTaskRequest { Name = done.Name, RequestId = Rid() });
        await police.StartTaskAsync(new StartTaskRequest { Name = done.Name, RequestId = Rid() });
        await police.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = done.Name, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "Đã xác minh", Result = "Ổn định" },
        });
        var failed = await Assign(ward, "thanh-khe-dong-police", "Xác minh nơi ở");
        await police.AcceptTaskAsync(new AcceptTaskRequest { Name = failed.Name, RequestId = Rid() });
        await police.FailTaskAsync(new FailTaskRequest { Name = failed.Name, Reason = "Không liên lạc được", RequestId = Rid() });
        var declined = await Assign(ward, "thanh-khe-dong-police", "Hỗ trợ pháp lý");
        await police.RejectTaskAsync(new RejectTaskRequest { Name = declined.Name, Reason = "Sai cơ quan", RequestId = Rid() });

        var tasks = new TaskService.TaskServiceClient(fixture.Host.As(Coordinator));
        async Task<string[]> List(ListTasksRequest r)
        {
            r.Ward = "wards/" + ward;
            return [.. (await tasks.ListTasksAsync(r)).Tasks.Select(t => t.Name).Order()];
        }

        Assert.Equal([open.Name], await List(new ListTasksRequest { OpenOnly = true }));
        Assert.Equal(new[] { done.Name, failed.Name }.Order(), await List(new ListTasksRequest { AwaitingReview = true }));
        Assert.Equal([open.Name], await List(new ListTasksRequest { AssigneeKind = AgencyKind.Health }));
        Assert.Equal(new[] { done.Name, failed.Name, declined.Name }.Order(), await List(new ListTasksRequest { AssigneeKind = AgencyKind.Police }));
        Assert.Empty(await List(new ListTasksRequest { AssigneeKind = AgencyKind.Police, OpenOnly = true }));

        // The vice-chair reviews both outcomes (a failure too): the loop closes and they leave the list.
        var viceChair = new TaskService.TaskServiceClient(fixture.Host.As(ViceChair(ward)));
        await viceChair.ReviewOutcomeAsync(new ReviewOutcomeRequest { Name = done.Name, RequestId = Rid() });
        Assert.Equal([failed.Name], await List(new ListTasksRequest { AwaitingReview = true }));
        await viceChair.ReviewOutcomeAsync(new ReviewOutcomeRequest { Name = failed.Name, RequestId = Rid() });
        Assert.Empty(await List(new ListTasksRequest { AwaitingReview = true }));
        await RpcAssert.FailsWithFields(() => tasks.ListTasksAsync(new ListTasksRequest { AssigneeKind = (AgencyKind)99 }).ResponseAsync, "assignee_kind");
    }
}
