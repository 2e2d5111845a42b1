using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Feed;
using Coordination.Silo.Reminders;
using Coordination.Silo.Tasks;
using Microsoft.Extensions.Time.Testing;
using TaskStatus = Coordination.Silo.Tasks.TaskStatus;

namespace Coordination.UnitTests;

/// <summary>
/// When reminders fall due and whom they reach, on the 2026 calendar (30 April and 1 May off), with
/// a controllable clock.
/// </summary>
public sealed class FollowUpTests
{
    private static readonly WorkingCalendar Calendar = new(VietnamHolidays.DaysOff(2026));
    private static readonly FollowUpOptions Options = new();
    private static readonly CaseClockOptions ClockOptions = new();
    private static readonly Actor ViceChair = new("users/vc", "Trần Văn Bình", Actor.WardViceChair, "wards/hai-chau-1");
    private static readonly Actor Coordinator = new("users/co", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");

    private static DateTimeOffset Vn(int mo, int d, int h, int min = 0) => new(2026, mo, d, h, min, 0, TimeSpan.FromHours(7));

    private static TaskRecord NewTask(DateTimeOffset created, DateTimeOffset due, Actor assigner, TaskKind kind = TaskKind.Assignment,
        TaskStatus status = TaskStatus.Requested) => new(
        "T-2026-000001",
        new TaskSpec(kind, "DN-2026-000001", "hai-chau-1", "hai-chau-1-police", "Xác minh", "", TaskPriority.Routine, due, null, ""),
        status, assigner, null, null, "", false, "", [], 1, created, created);

    private static CaseRecord NewCase(DateTimeOffset reported, CaseStep step, RiskLevel risk, DateTimeOffset? interventionStart = null) => new(
        "DN-2026-000001", "hai-chau-1", "hai-chau",
        new CaseDetails(IntakeSource.HotlineCall, new Reporter("", "", "", ""), new Person("Nguyễn Văn A", Sex.Male, null, 8, "", ""), [2], "", ""),
        reported, step, risk, null, null, null, [], null, null, interventionStart, null,
        Actor.Platform, 1, reported, reported);

    [Fact]
    public void A_ward_task_due_after_the_april_holidays_is_warned_escalated_to_the_ward_then_the_centre_on_working_days()
    {
        var clock = new FakeTimeProvider(Vn(4, 20, 9));
        // Due Tuesday 5 May 2026 at 17:00: two working days before are Monday 4 May and Wednesday 29 April
        // (30 April and 1 May are holidays, 2–3 May a weekend).
        var items = TaskFollowUps.For(NewTask(clock.GetUtcNow(), Vn(5, 5, 17), ViceChair), Calendar, Options, clock.GetUtcNow());

        Assert.Equal(
            [
                new ReminderItem(ReminderKind.TaskDueSoon, Vn(4, 29, 17)),
                new ReminderItem(ReminderKind.TaskOverdue, Vn(5, 5, 17)),
                new ReminderItem(ReminderKind.TaskEscalated, Vn(5, 6, 17)),
                new ReminderItem(ReminderKind.TaskEscalatedToCentre, Vn(5, 8, 17)),
            ],
            items);
    }

    [Fact]
    public void A_warning_already_past_is_not_planned_and_a_task_the_centre_assigned_escalates_once()
    {
        var clock = new FakeTimeProvider(Vn(5, 4, 12));
        var items = TaskFollowUps.For(NewTask(clock.GetUtcNow(), Vn(5, 5, 17), Coordinator), Calendar, Options, clock.GetUtcNow());

        Assert.Equal([ReminderKind.TaskOverdue, ReminderKind.TaskEscalated], items.Select(i => i.Kind));
    }

    [Fact]
    public void An_emergency_task_is_watched_for_acceptance_until_accepted()
    {
        var clock = new FakeTimeProvider(Vn(11, 25, 22, 30));
        var requested = NewTask(clock.GetUtcNow(), Vn(11, 26, 8), ViceChair, TaskKind.Emergency);
        Assert.Contains(new ReminderItem(ReminderKind.TaskNotAccepted, Vn(11, 25, 23, 30)), TaskFollowUps.For(requested, Calendar, Options, clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromMinutes(20));
        var accepted = requested with { Status = TaskStatus.Accepted };
        Assert.DoesNotContain(TaskFollowUps.For(accepted, Calendar, Options, clock.GetUtcNow()), i => i.Kind == ReminderKind.TaskNotAccepted);
    }

    [Fact]
    public void The_emergency_clock_warns_three_hours_before_and_its_lapse_reaches_the_ward_and_the_centre()
    {
        var clock = new FakeTimeProvider(Vn(11, 25, 20));
        var c = NewCase(clock.GetUtcNow(), CaseStep.Emergency, RiskLevel.Serious);
        var items = CaseFollowUps.For(c, CaseClocks.For(c, Calendar, ClockOptions), Calendar, Options, clock.GetUtcNow());

        Assert.Equal(
            [
                new ReminderItem(ReminderKind.CaseDueSoon, Vn(11, 26, 5), CaseClocks.EmergencyName),
                new ReminderItem(ReminderKind.CaseOverdue, Vn(11, 26, 8), CaseClocks.EmergencyName),
            ],
            items);

        clock.Advance(TimeSpan.FromHours(12));
        var lapsed = CaseFollowUps.Notices(c, items, items[1]);
        Assert.Equal([Inboxes.Ward("hai-chau-1"), Inboxes.Centre], lapsed.Select(n => n.Inbox));
        Assert.Equal([InboxEventType.CaseDeadlineOverdue, InboxEventType.CaseDeadlineEscalated], lapsed.Select(n => n.Type));
        Assert.Equal("Quá hạn — DN-2026-000001: biện pháp bảo vệ khẩn cấp / emergency measures", lapsed[0].Title);
        Assert.Equal("Hạn 26/11/2026 08:00 / due 26/11/2026 08:00", lapsed[0].Detail);
    }

    [Fact]
    public void The_plan_clock_warns_the_ward_a_working_day_before_and_escalates_to_the_centre_a_working_day_after()
    {
        // Reported Friday 24 April 2026, 10:00: Monday 27 April is off (Hùng Kings' day fell on Sunday
        // 26 April), 30 April and 1 May are holidays, so the five working days are 28, 29 April, 4, 5, 6 May.
        var c = NewCase(Vn(4, 24, 10), CaseStep.Received, RiskLevel.Unspecified);
        var items = CaseFollowUps.For(c, CaseClocks.For(c, Calendar, ClockOptions), Calendar, Options, Vn(4, 24, 10));

        Assert.Equal(
            [
                new ReminderItem(ReminderKind.CaseDueSoon, Vn(5, 5, 10), CaseClocks.PlanName),
                new ReminderItem(ReminderKind.CaseOverdue, Vn(5, 6, 10), CaseClocks.PlanName),
                new ReminderItem(ReminderKind.CaseEscalated, Vn(5, 7, 10), CaseClocks.PlanName),
            ],
            items);
        var escalated = CaseFollowUps.Notices(c, items, items[2]);
        Assert.Equal((Inboxes.Centre, InboxEventType.CaseDeadlineEscalated), (escalated.Single().Inbox, escalated.Single().Type));
    }

    [Fact]
    public void A_reminder_the_case_no_longer_needs_sends_nothing()
    {
        var received = NewCase(Vn(4, 24, 10), CaseStep.Received, RiskLevel.Unspecified);
        var planned = CaseFollowUps.For(received, CaseClocks.For(received, Calendar, ClockOptions), Calendar, Options, Vn(4, 24, 10));
        // The plan was proposed meanwhile: the plan clock stopped, so its overdue notice is void.
        var moved = received with { Step = CaseStep.Planning, Plan = new SupportPlan("Kế hoạch", [], PlanStatus.Proposed, Actor.Platform, Vn(4, 28, 9), null, null, "") };
        var now = CaseFollowUps.For(moved, CaseClocks.For(moved, Calendar, ClockOptions), Calendar, Options, Vn(4, 28, 9));

        Assert.Empty(CaseFollowUps.Notices(moved, now, planned[1]));
        Assert.Empty(CaseFollowUps.For(received with { Step = CaseStep.Closed }, CaseClocks.For(received with { Step = CaseStep.Closed }, Calendar, ClockOptions), Calendar, Options, Vn(4, 24, 10)));
    }

    [Fact]
    public void An_intervention_gets_its_monthly_review_and_the_six_month_review_with_the_centre()
    {
        var started = Vn(1, 15, 9);
        var c = NewCase(Vn(1, 5, 9), CaseStep.InIntervention, RiskLevel.High, started) with { UpdateTime = started };
        var items = CaseFollowUps.For(c, CaseClocks.For(c, Calendar, ClockOptions), Calendar, Options, started);

        Assert.Contains(new ReminderItem(ReminderKind.CaseReviewDue, Vn(2, 15, 9), CaseClocks.ReviewName), items);
        var sixMonths = Assert.Single(items, i => i.Kind == ReminderKind.CaseLongReview);
        Assert.Equal(Vn(7, 15, 9), sixMonths.DueAt);
        Assert.Equal([Inboxes.Ward("hai-chau-1"), Inboxes.Centre], CaseFollowUps.Notices(c, items, sixMonths).Select(n => n.Inbox));
    }
}
