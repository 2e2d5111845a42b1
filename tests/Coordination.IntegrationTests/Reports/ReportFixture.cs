using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Tasks;
using Npgsql;
using TaskStatus = Coordination.Silo.Tasks.TaskStatus;

namespace Coordination.IntegrationTests.Reports;

/// <summary>
/// About 40 cases and 100 tasks of the first quarter of 2026 (Tết: Monday 16 to Friday 20 February
/// off) with hand-known timings, on a seeded host. The grains cannot be told what time it is, so the
/// fixture writes the report facts (read-model rows, case events and stays, task milestones, fired
/// escalations, conferences) through the same stores the grains use, with explicit times; the
/// statistics read nothing else. <c>ReportFlowTests</c> checks that the real grains write those facts.
/// Every expected figure in <c>ReportStatisticsTests</c> is worked out by hand from the comments here.
/// </summary>
public sealed class ReportFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public PlatformHost Host { get; private set; } = null!;

    public const string Ward = "hai-chau-1";
    public const string OtherWard = "xuan-ha";
    public const string ClusterNeighbour = "thach-thang";

    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor ViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, "wards/hai-chau-1");

    /// <summary>An instant given in Vietnam time.</summary>
    public static DateTimeOffset Vn(int year, int month, int day, int hour, int minute = 0) => new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(7)).ToUniversalTime();

    private static DateTimeOffset Q1(int month, int day, int hour, int minute = 0) => Vn(2026, month, day, hour, minute);

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Host = await PlatformHost.StartAsync(Database.ConnectionString, seedDemo: true);
        await using var db = NpgsqlDataSource.Create(Database.ConnectionString);
        var readModel = new ReadModelStore(db);
        var facts = new ReportFacts(db);
        foreach (var c in Cases())
        {
            await readModel.UpsertCaseAsync(c.Record, new CaseClocks(null, null, null, null));
            await facts.WriteCaseHistoryAsync(c.Record, c.Timeline, 0);
        }
        foreach (var t in Tasks())
        {
            await readModel.UpsertTaskAsync(t);
        }
        await using var cmd = db.CreateCommand(Escalations + Conferences);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed record CaseSpec(CaseRecord Record, List<TimelineEntry> Timeline);

    private sealed class CaseBuilder(string id, string ward, DateTimeOffset report, IntakeSource source, int[] categories, Sex sex, int age, RiskLevel risk)
    {
        private readonly List<TimelineEntry> _timeline = [];
        private CaseStep _step = CaseStep.Received;
        private CaseClosure? _closure;
        private string _worker = "users/hai-chau-1-officer";
        private string _name = "Nguyễn Thị Hằng";

        public CaseBuilder Event(DateTimeOffset time, string action, CaseStep step, string detail = "")
        {
            _timeline.Add(new TimelineEntry(_timeline.Count + 1, time, Officer, "test", action, detail, "", step));
            _step = step;
            if (step == CaseStep.Closed)
            {
                _closure = new CaseClosure(detail, "Kết quả tốt", Officer, time);
            }
            return this;
        }

        public CaseBuilder Named(string name, string worker)
        {
            _name = name;
            _worker = worker;
            return this;
        }

        public CaseSpec Build()
        {
            if (_timeline.Count == 0 || _timeline[0].Action != "CASE_OPENED")
            {
                _timeline.Insert(0, new TimelineEntry(0, report, Officer, "test", "CASE_OPENED", "", "", CaseStep.Received));
            }
            var timeline = _timeline.Select((e, i) => e with { Sequence = i + 1 }).ToList();
            var cluster = ward == OtherWard ? "thanh-khe" : "hai-chau";
            var details = new CaseDetails(source, new Reporter("", "", "", ""),
                new Person(_name, sex, null, age, "Đà Nẵng", ""), categories, "Tin báo", _worker);
            var record = new CaseRecord(id, ward, cluster, details, report, _step, risk, null, null, null, [], null, _closure, null, null,
                Officer, timeline.Count + 1, report, timeline[^1].Time);
            return new CaseSpec(record, timeline);
        }
    }

    private static CaseBuilder Case(string id, DateTimeOffset report, IntakeSource source, int[] categories, Sex sex, int age, RiskLevel risk, string ward = Ward) =>
        new(id, ward, report, source, categories, sex, age, risk);

    private const int Abandoned = 1, Abused = 2, Violence = 3, Neglect = 4, Disability = 5, SingleMother = 7, DomesticViolence = 8, MentalHealth = 9, SocialProtection = 10;

    private static IEnumerable<CaseSpec> Cases()
    {
        // C01 emergency met (left EMERGENCY 9 h after the report); plan proposed 7/1, approved 9/1 (2 working days, met);
        // intervention 12/1; reviews 11/2 (met, due 12/2) and 13/3 (late, due 11/3).
        yield return Case("T-C01", Q1(1, 5, 9), IntakeSource.HotlineCall, [Abused, Violence], Sex.Female, 7, RiskLevel.Serious)
            .Event(Q1(1, 5, 9), "CASE_OPENED", CaseStep.Received)
            .Event(Q1(1, 5, 10), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Emergency)
            .Event(Q1(1, 5, 18), "DETAILED_ASSESSMENT_RECORDED", CaseStep.Planning)
            .Event(Q1(1, 7, 9), "PLAN_PROPOSED", CaseStep.Planning)
            .Event(Q1(1, 9, 9), "PLAN_APPROVED", CaseStep.PlanApproved)
            .Event(Q1(1, 12, 9), "INTERVENTION_STARTED", CaseStep.InIntervention)
            .Event(Q1(2, 11, 9), "REVIEW_RECORDED", CaseStep.InIntervention, "Continue: tiến triển tốt")
            .Event(Q1(3, 13, 9), "REVIEW_RECORDED", CaseStep.InIntervention, "Continue: tiếp tục")
            .Build();
        // C02 reported on the eve of Tết at 20:00, measures at 10:00 next day: 14 h, late (the 12 hours are wall-clock).
        yield return Case("T-C02", Q1(2, 16, 20), IntakeSource.HotlineCall, [Violence], Sex.Male, 12, RiskLevel.Serious)
            .Event(Q1(2, 16, 21), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Emergency)
            .Event(Q1(2, 17, 10), "DETAILED_ASSESSMENT_RECORDED", CaseStep.Planning)
            .Build();
        // C03 reported 31/3 20:00, still in EMERGENCY at the end: due 1/4 08:00, after the end: pending.
        yield return Case("T-C03", Q1(3, 31, 20), IntakeSource.CollaboratorReport, [Abandoned], Sex.Unknown, 0, RiskLevel.Serious)
            .Event(Q1(3, 31, 21), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Emergency)
            .Build();
        // C04 still in EMERGENCY at the end, due 10/3 20:00: late, not done.
        yield return Case("T-C04", Q1(3, 10, 8), IntakeSource.HotlineCall, [DomesticViolence], Sex.Female, 16, RiskLevel.Serious)
            .Event(Q1(3, 10, 9), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Emergency)
            .Build();
        // C05 closed 8 h after the report (leaving EMERGENCY by closing): met.
        yield return Case("T-C05", Q1(1, 20, 22), IntakeSource.Referral, [Abandoned], Sex.Female, 3, RiskLevel.Serious)
            .Event(Q1(1, 20, 23), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Emergency)
            .Event(Q1(1, 21, 6), "CASE_CLOSED", CaseStep.Closed, "Đã đoàn tụ gia đình")
            .Build();
        // C06 plan proposed Mon 12/1 09:00, 3.958 working days after Tue 6/1 10:00 (due 13/1 10:00): met.
        // Returned Fri 23/1 (due 21/1: late); proposed again 26/1, approved 28/1 (met).
        yield return Case("T-C06", Q1(1, 6, 10), IntakeSource.WardSurvey, [Neglect], Sex.Male, 9, RiskLevel.Medium)
            .Event(Q1(1, 6, 11), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Planning)
            .Event(Q1(1, 12, 9), "PLAN_PROPOSED", CaseStep.Planning)
            .Event(Q1(1, 23, 9), "PLAN_RETURNED", CaseStep.Planning, "Cần bổ sung")
            .Event(Q1(1, 26, 9), "PLAN_PROPOSED", CaseStep.Planning)
            .Event(Q1(1, 28, 9), "PLAN_APPROVED", CaseStep.PlanApproved)
            .Build();
        // C07 reported Fri 13/2 10:00, before Tết: 5 working days end Fri 27/2 10:00 (the Tết week does not count);
        // proposed Wed 25/2 10:00 (3.0 working days): met. No decision: due Fri 6/3 10:00, late.
        yield return Case("T-C07", Q1(2, 13, 10), IntakeSource.WardSurvey, [Disability], Sex.Male, 25, RiskLevel.Low)
            .Event(Q1(2, 13, 11), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Planning)
            .Event(Q1(2, 25, 10), "PLAN_PROPOSED", CaseStep.Planning)
            .Build();
        // C08 reported Mon 2/3 09:00, due Mon 9/3 09:00, proposed Tue 10/3 09:00 (6.0 working days): late. Approved 11/3: met.
        yield return Case("T-C08", Q1(3, 2, 9), IntakeSource.CollaboratorReport, [SingleMother], Sex.Female, 30, RiskLevel.High)
            .Event(Q1(3, 2, 10), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Planning)
            .Event(Q1(3, 10, 9), "PLAN_PROPOSED", CaseStep.Planning)
            .Event(Q1(3, 11, 9), "PLAN_APPROVED", CaseStep.PlanApproved)
            .Build();
        // C09 reported Wed 25/3 09:00, no plan: due Wed 1/4 09:00, after the end: pending. Closed in Q2 (10/4).
        yield return Case("T-C09", Q1(3, 25, 9), IntakeSource.HotlineCall, [Abused], Sex.Female, 15, RiskLevel.Unspecified)
            .Event(Q1(3, 25, 9), "CASE_OPENED", CaseStep.Received)
            .Event(Vn(2026, 4, 10, 9), "CASE_CLOSED", CaseStep.Closed, "Chuyển địa phương khác")
            .Build();
        // C10 reported Mon 2/3 09:00, no plan by the end: due 9/3, late.
        yield return Case("T-C10", Q1(3, 2, 9), IntakeSource.Referral, [Neglect, MentalHealth], Sex.Male, 10, RiskLevel.Unspecified)
            .Named("=HYPERLINK(\"http://x\",\"Bấm\")", "@SUM(1+1)")
            .Build();
        // C11 closed the next day without a plan (none needed): not counted by the plan clock.
        yield return Case("T-C11", Q1(1, 7, 9), IntakeSource.WardSurvey, [SocialProtection], Sex.Female, 60, RiskLevel.Low)
            .Event(Q1(1, 7, 9), "CASE_OPENED", CaseStep.Received)
            .Event(Q1(1, 8, 9), "CASE_CLOSED", CaseStep.Closed, "Không thuộc diện hỗ trợ")
            .Build();
        // C12 reported 15/9/2025 (over six months before the end), intervention 20/12/2025: review due 20/1, never done: late.
        yield return Case("T-C12", Vn(2025, 9, 15, 9), IntakeSource.WardSurvey, [Neglect], Sex.Male, 11, RiskLevel.Medium)
            .Event(Vn(2025, 9, 15, 9), "CASE_OPENED", CaseStep.Received)
            .Event(Vn(2025, 12, 20, 9), "INTERVENTION_STARTED", CaseStep.InIntervention)
            .Build();
        // C13 intervention Thu 15/1 09:00, review (to monitoring) Tue 10/2 09:00, 18.0 working days, due 15/2: met.
        yield return Case("T-C13", Vn(2025, 11, 3, 9), IntakeSource.HotlineCall, [Abused], Sex.Female, 13, RiskLevel.High)
            .Event(Vn(2025, 11, 3, 9), "CASE_OPENED", CaseStep.Received)
            .Event(Q1(1, 15, 9), "INTERVENTION_STARTED", CaseStep.InIntervention)
            .Event(Q1(2, 10, 9), "REVIEW_RECORDED", CaseStep.Monitoring, "Monitor: ổn định")
            .Build();
        // C14 intervention 1/2, closed 20/2 before its review was due (1/3): no review counted.
        yield return Case("T-C14", Vn(2025, 12, 1, 9), IntakeSource.HotlineCall, [Violence], Sex.Male, 14, RiskLevel.Medium)
            .Event(Vn(2025, 12, 1, 9), "CASE_OPENED", CaseStep.Received)
            .Event(Q1(2, 1, 9), "INTERVENTION_STARTED", CaseStep.InIntervention)
            .Event(Q1(2, 20, 9), "CASE_CLOSED", CaseStep.Closed, "Đã đoàn tụ gia đình")
            .Build();
        // C15 reported in the second quarter.
        yield return Case("T-C15", Vn(2026, 4, 5, 9), IntakeSource.HotlineCall, [Abused], Sex.Female, 8, RiskLevel.Unspecified)
            .Event(Vn(2026, 4, 5, 9), "CASE_OPENED", CaseStep.Received)
            .Build();
        // 25 cases of Xuân Hà (another cluster): reported Mon 2/3 09:00, proposed Wed 4/3 09:00 (2.0, met), approved Thu 5/3 (1.0, met).
        for (var i = 1; i <= 25; i++)
        {
            yield return Case($"T-X{i:00}", Q1(3, 2, 9), IntakeSource.HotlineCall, [Neglect], Sex.Male, 8, RiskLevel.Low, OtherWard)
                .Event(Q1(3, 2, 9), "CASE_OPENED", CaseStep.Received)
                .Event(Q1(3, 2, 10), "INITIAL_ASSESSMENT_RECORDED", CaseStep.Planning)
                .Event(Q1(3, 4, 9), "PLAN_PROPOSED", CaseStep.Planning)
                .Event(Q1(3, 5, 9), "PLAN_APPROVED", CaseStep.PlanApproved)
                .Named("Trần Văn Nam " + i, "users/xuan-ha-officer")
                .Build();
        }
    }

    private static TaskRecord Task(
        string id, string ward, string agency, DateTimeOffset created, DateTimeOffset due, TaskStatus status, TaskKind kind = TaskKind.Assignment,
        DateTimeOffset? accepted = null, DateTimeOffset? finished = null, DateTimeOffset? reviewed = null, string reason = "", string conference = "")
    {
        var history = new List<TaskEvent> { new(created, ViceChair, "CREATED", TaskStatus.Requested, "", "test") };
        var agencyActor = new Actor("agencies/" + agency, agency, Actor.AgencySystem, "agencies/" + agency);
        if (accepted is { } a)
        {
            history.Add(new TaskEvent(a, agencyActor, "ACCEPTED", TaskStatus.Accepted, "", "test"));
            history.Add(new TaskEvent(a.AddMinutes(1), agencyActor, "STARTED", TaskStatus.InProgress, "", "test"));
        }
        if (finished is { } f)
        {
            var action = status switch
            {
                TaskStatus.Completed => "COMPLETED",
                TaskStatus.Failed => "FAILED",
                TaskStatus.Rejected => "REJECTED",
                _ => "CANCELLED",
            };
            history.Add(new TaskEvent(f, status == TaskStatus.Cancelled ? ViceChair : agencyActor, action, status, reason, "test"));
        }
        if (reviewed is { } r)
        {
            history.Add(new TaskEvent(r, ViceChair, "OUTCOME_REVIEWED", TaskStatus.Completed, "", "test"));
        }
        var spec = new TaskSpec(kind, "", ward, agency, "Nhiệm vụ " + id, "Hướng dẫn", TaskPriority.Routine, due, null, "", conference.Length > 0 ? conference : null);
        return new TaskRecord(id, spec, status, ViceChair, null,
            status == TaskStatus.Completed ? new OutcomeReport("Đã làm", "Tốt", false, "") : null,
            reason, reviewed is not null, "", [.. history], history.Count, created, history[^1].Time);
    }

    private static IEnumerable<TaskRecord> Tasks()
    {
        const string police = "hai-chau-1-police", health = "hai-chau-1-health", justice = "hai-chau-1-justice", centre = "danang-swc";
        // Police, 20 tasks.
        for (var i = 0; i < 8; i++)
        {
            // Accepted after 0.25 working days, completed after 2.0, on time, reviewed.
            yield return Task($"T-PA{i}", Ward, police, Q1(3, 2, 9), Q1(3, 6, 17), TaskStatus.Completed,
                accepted: Q1(3, 2, 15), finished: Q1(3, 4, 9), reviewed: Q1(3, 5, 10));
        }
        for (var i = 0; i < 4; i++)
        {
            // Created Fri 13/2 15:00 before Tết; accepted Mon 23/2 09:00 (0.75 working days: the Tết week counts zero);
            // completed Wed 25/2 15:00 (3.0), after the due time (24/2 17:00): overdue. Two escalated (fired rows below).
            yield return Task($"T-PB{i}", Ward, police, Q1(2, 13, 15), Q1(2, 24, 17), TaskStatus.Completed,
                accepted: Q1(2, 23, 9), finished: Q1(2, 25, 15));
        }
        yield return Task("T-PC0", Ward, police, Q1(1, 6, 9), Q1(1, 9, 17), TaskStatus.Rejected, finished: Q1(1, 6, 11), reason: "Không thuộc thẩm quyền");
        yield return Task("T-PC1", Ward, police, Q1(1, 6, 9), Q1(1, 9, 17), TaskStatus.Rejected, finished: Q1(1, 6, 11), reason: "Không thuộc thẩm quyền");
        yield return Task("T-PC2", Ward, police, Q1(1, 6, 9), Q1(1, 9, 17), TaskStatus.Rejected, finished: Q1(1, 6, 11), reason: "Thiếu thông tin");
        for (var i = 0; i < 2; i++)
        {
            // Accepted after 1.0 working day, open and past due (20/3) at the end; one escalated.
            yield return Task($"T-PD{i}", Ward, police, Q1(3, 16, 9), Q1(3, 20, 17), TaskStatus.InProgress, accepted: Q1(3, 17, 9));
        }
        for (var i = 0; i < 2; i++)
        {
            // Not accepted by the end, due after it.
            yield return Task($"T-PE{i}", Ward, police, Q1(3, 30, 9), Vn(2026, 4, 10, 17), TaskStatus.Requested);
        }
        // Accepted after the end of the quarter.
        yield return Task("T-PF0", Ward, police, Q1(3, 25, 9), Vn(2026, 4, 20, 17), TaskStatus.InProgress, accepted: Vn(2026, 4, 2, 9));

        // Health, 10 tasks.
        for (var i = 0; i < 4; i++)
        {
            // Accepted after 0.5, completed after exactly 10 working days (26/1), after the due time (23/1): overdue; two reviewed.
            yield return Task($"T-HA{i}", Ward, health, Q1(1, 12, 9), Q1(1, 23, 17), TaskStatus.Completed,
                accepted: Q1(1, 12, 21), finished: Q1(1, 26, 9), reviewed: i < 2 ? Q1(1, 27, 9) : null);
        }
        for (var i = 0; i < 3; i++)
        {
            yield return Task($"T-HB{i}", Ward, health, Q1(2, 3, 9), Q1(2, 10, 17), TaskStatus.Failed,
                accepted: Q1(2, 4, 9), finished: Q1(2, 6, 9), reason: "Gia đình từ chối");
        }
        for (var i = 0; i < 3; i++)
        {
            yield return Task($"T-HC{i}", Ward, health, Q1(3, 4, 9), Q1(3, 13, 17), TaskStatus.Cancelled, finished: Q1(3, 5, 9), reason: "Không cần nữa");
        }

        // Social Work Centre, 5 referrals: accepted after 0.125, completed 23/2 after 22.0 working days, on time, reviewed.
        for (var i = 0; i < 5; i++)
        {
            yield return Task($"T-S{i}", Ward, centre, Q1(1, 15, 9), Q1(3, 1, 17), TaskStatus.Completed, TaskKind.Referral,
                accepted: Q1(1, 15, 12), finished: Q1(2, 23, 9), reviewed: Q1(2, 24, 9));
        }

        // Justice: three conference decisions of 10/2, accepted after 1.0; completed 2/3 (9.0, on time) twice and 12/3 (17.0, late).
        yield return Task("T-J0", Ward, justice, Q1(2, 10, 10), Q1(3, 10, 17), TaskStatus.Completed, TaskKind.ConferenceAction,
            accepted: Q1(2, 11, 10), finished: Q1(3, 2, 10), conference: "hai-chau/2026-q1");
        yield return Task("T-J1", Ward, justice, Q1(2, 10, 10), Q1(3, 10, 17), TaskStatus.Completed, TaskKind.ConferenceAction,
            accepted: Q1(2, 11, 10), finished: Q1(3, 2, 10), conference: "hai-chau/2026-q1");
        yield return Task("T-J2", Ward, justice, Q1(2, 10, 10), Q1(3, 10, 17), TaskStatus.Completed, TaskKind.ConferenceAction,
            accepted: Q1(2, 11, 10), finished: Q1(3, 12, 10), conference: "hai-chau/2026-q1");

        // Xuân Hà police, 40 tasks: accepted after 0.25, completed after 1.0, on time, reviewed.
        for (var i = 0; i < 40; i++)
        {
            yield return Task($"T-X{i:00}", OtherWard, "xuan-ha-police", Q1(3, 9, 9), Q1(3, 13, 17), TaskStatus.Completed,
                accepted: Q1(3, 9, 15), finished: Q1(3, 10, 9), reviewed: Q1(3, 11, 9));
        }
        // Thạch Thang police (same cluster as Hải Châu I), 15 tasks never accepted, past due at the end.
        for (var i = 0; i < 15; i++)
        {
            yield return Task($"T-Y{i:00}", ClusterNeighbour, "thach-thang-police", Q1(3, 9, 9), Q1(3, 11, 17), TaskStatus.Requested);
        }
    }

    /// <summary>Escalations that fired: two of the late police tasks of February, one of the open ones of March (and one after the end).</summary>
    private const string Escalations = """
        insert into reminders (item_key, target_id, kind, due_at, fired_at, target, detail, delivered) values
            ('t:T-PB0:7', 'T-PB0', 7, '2026-02-25 08:00+07', '2026-02-25 08:00+07', 'task', '', true),
            ('t:T-PB1:7', 'T-PB1', 7, '2026-02-25 08:00+07', '2026-02-25 08:00+07', 'task', '', true),
            ('t:T-PD0:7', 'T-PD0', 7, '2026-03-23 17:00+07', '2026-03-23 17:00+07', 'task', '', true),
            ('t:T-PD1:7', 'T-PD1', 7, '2026-04-02 17:00+07', '2026-04-02 17:00+07', 'task', '', true);
        """;

    /// <summary>Hải Châu held its quarterly conference (2 cases, 3 decisions) and an extraordinary one (1 case, no decision); Thanh Khê's is only scheduled.</summary>
    private const string Conferences = """
        insert into rm_conferences (id, version, cluster_id, status, start_time, preparation_time, doc, updated_at) values
            ('hai-chau/2026-q1', 5, 'hai-chau', 3, '2026-02-10 08:00+07', '2026-01-27 08:00+07',
             '{"Discussions":[{"CaseId":"T-C01","Decisions":[{"TaskId":"T-J0"},{"TaskId":"T-J1"}]},{"CaseId":"T-C06","Decisions":[{"TaskId":"T-J2"}]}]}', now()),
            ('hai-chau/2026-q1-x1', 3, 'hai-chau', 3, '2026-03-05 08:00+07', '2026-02-26 08:00+07',
             '{"Discussions":[{"CaseId":"T-C07","Decisions":[]}]}', now()),
            ('thanh-khe/2026-q1', 1, 'thanh-khe', 1, '2026-03-20 08:00+07', '2026-03-06 08:00+07', '{"Discussions":[]}', now());
        """;
}
