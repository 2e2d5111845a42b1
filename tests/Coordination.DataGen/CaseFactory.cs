using Coordination.Api.Demo;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Reminders;
using Coordination.Silo.Tasks;
using TaskStatus = Coordination.Silo.Tasks.TaskStatus;

namespace Coordination.DataGen;

/// <summary>
/// Builds generated cases over the demo directory's six wards and their agencies: reports spread
/// evenly over the three years before <c>now</c> (case <c>i</c> is reported after case <c>i - 1</c>),
/// older cases mostly closed, open ones in the step their age suggests, 7 % of open cases with a clock
/// run out; three tasks a case (a fifth to the city's agencies); a task of an open case past its due
/// time is finished with a chance of 60 %, else still open (most open tasks of long-running cases are
/// overdue); audit rows for the intake, assessments, reads and each task's assignment and
/// agency calls. Case <c>i</c> depends only on the seed and <c>i</c>, never on other cases.
/// </summary>
public sealed class CaseFactory(int cases, int seed, DateTimeOffset now)
{
    /// <summary>Prefix of generated case ids (<c>GEN-0000001</c>): never produced by the platform's allocator (<c>DN-2026-…</c>).</summary>
    public const string CasePrefix = "GEN-";
    /// <summary>Prefix of generated task ids (<c>GENT-0000001-1</c>).</summary>
    public const string TaskPrefix = "GENT-";
    /// <summary>Tasks per case.</summary>
    public const int TasksPerCase = 3;

    private static readonly TimeSpan Span = TimeSpan.FromDays(3 * 365);
    private static readonly string[] WardDepartments = ["police", "health", "justice", "womens-union", "education"];
    private static readonly string[] CityAgencies = [DemoDirectory.SocialWorkCentreId, "danang-hospital", "danang-maternity-paediatrics"];
    private static readonly string[] CloseReasons = ["Mục tiêu kế hoạch đã đạt", "Đã đoàn tụ gia đình", "Chuyển địa phương khác", "Gia đình từ chối hỗ trợ"];
    private static readonly string[] TaskTitles =
    [
        "Xác minh thông tin và bảo đảm an toàn cho trẻ", "Khám sức khỏe cho trẻ", "Tư vấn pháp lý cho gia đình",
        "Thăm gia đình, tư vấn cho mẹ", "Hỗ trợ trẻ đi học trở lại", "Đánh giá tâm lý cho trẻ", "Chuyển tuyến y tế",
    ];
    private static readonly string[] Relationships = ["Hàng xóm", "Giáo viên", "Mẹ", "Bà ngoại", "Cộng tác viên", "Trưởng tổ dân phố"];

    private const string CaseService = "coordination.v1.CaseService/";
    private const string TaskService = "coordination.v1.TaskService/";
    private const string WardService = "coordination.v1.WardService/";
    private const string PartnerService = "coordination.v1.PartnerService/";

    private readonly DateTimeOffset _start = now - Span;

    /// <summary>The time the data is generated against ("now" for ages, clocks and due times).</summary>
    public DateTimeOffset Now => now;

    /// <summary>The generated id of case <paramref name="index"/> (0-based).</summary>
    public static string CaseId(int index) => $"{CasePrefix}{index + 1:D7}";

    /// <summary>Builds case <paramref name="index"/> (0-based) of the run.</summary>
    public GeneratedCase Build(int index)
    {
        var r = new Random(unchecked(seed * 1_000_003 + index));
        var ward = DemoDirectory.Wards[r.Next(DemoDirectory.Wards.Length)];
        var wardName = "phường " + ward.ShortName;
        var id = CaseId(index);
        var report = _start + Span * ((index + r.NextDouble()) / cases);
        var age = now - report;
        var female = r.NextDouble() < 0.52;
        var name = VietnameseNames.FullName(r, female);
        var officer = new Actor($"users/{ward.Id}-officer", ward.Officer, Actor.WardOfficer, "wards/" + ward.Id);
        var viceChair = new Actor($"users/{ward.Id}-vice-chair", ward.ViceChair, Actor.WardViceChair, "wards/" + ward.Id);
        var coordinator = new Actor("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");

        // Closed: nearly all cases older than 14 months, a growing share of those older than 5.
        var closed = age.TotalDays > 420 ? r.NextDouble() < 0.97 : age.TotalDays > 150 && r.NextDouble() < (age.TotalDays - 150) / 270;
        var risk = r.NextDouble() switch { < 0.08 => RiskLevel.Serious, < 0.25 => RiskLevel.High, < 0.6 => RiskLevel.Medium, _ => RiskLevel.Low };
        var step = closed ? CaseStep.Closed : age.TotalDays switch
        {
            < 1 => risk == RiskLevel.Serious ? CaseStep.Emergency : CaseStep.Received,
            < 20 => CaseStep.Planning,
            < 35 => r.NextDouble() < 0.4 ? CaseStep.PlanApproved : CaseStep.InIntervention,
            _ => r.NextDouble() < 0.75 ? CaseStep.InIntervention : CaseStep.Monitoring,
        };
        if (step == CaseStep.Received && r.NextDouble() < 0.5)
        {
            risk = RiskLevel.Unspecified;
        }
        var closeTime = closed ? report + TimeSpan.FromDays(150 + r.NextDouble() * Math.Min(270, age.TotalDays - 150)) : (DateTimeOffset?)null;
        var end = closeTime ?? now;
        DateTimeOffset? nextDue = null;
        if (!closed)
        {
            // 7 % of open cases have a clock that ran out (up to three weeks ago); the rest run out within a month.
            nextDue = r.NextDouble() < 0.07 ? now - TimeSpan.FromHours(1 + r.NextDouble() * 500) : now + TimeSpan.FromHours(2 + r.NextDouble() * 720);
        }
        int[] categories = r.NextDouble() < 0.25 ? [.. new[] { r.Next(1, 11), r.Next(1, 11) }.Distinct()] : [r.Next(1, 11)];
        var childAge = r.Next(0, 16);
        var person = new Person(name, female ? Sex.Female : Sex.Male, r.NextDouble() < 0.6 ? DateOnly.FromDateTime(report.UtcDateTime).AddYears(-childAge).AddDays(-r.Next(0, 365)) : null,
            childAge, VietnameseNames.Address(r, wardName), "Mẹ: " + VietnameseNames.FullName(r, true) + ", " + VietnameseNames.Phone(r));
        var reporter = new Reporter(VietnameseNames.FullName(r, r.NextDouble() < 0.6), Relationships[r.Next(Relationships.Length)], VietnameseNames.Phone(r), "");
        var details = new CaseDetails((IntakeSource)r.Next(1, 5), reporter, person, categories, "", "users/case-worker");

        var events = new List<GeneratedCaseEvent> { new(report, "CASE_OPENED", (int)CaseStep.Received, "") };
        var audit = new List<GeneratedAudit> { Audit(report, officer, CaseService + "CreateCase", "cases/" + id) };
        Assessment? initial = null;
        SupportPlan? plan = null;
        DateTimeOffset? interventionStart = null;
        if (risk != RiskLevel.Unspecified)
        {
            var assessed = Min(report + TimeSpan.FromHours(1 + r.NextDouble() * 40), end);
            initial = new Assessment(risk, "Trẻ cần được hỗ trợ; gia đình hợp tác.", ["Tư vấn tâm lý", "Hỗ trợ học tập"], officer, assessed);
            events.Add(new(assessed, "INITIAL_ASSESSMENT_RECORDED", (int)(risk == RiskLevel.Serious ? CaseStep.Emergency : CaseStep.Planning), ""));
            audit.Add(Audit(assessed, officer, CaseService + "RecordInitialAssessment", "cases/" + id));
            if (step is CaseStep.PlanApproved or CaseStep.InIntervention or CaseStep.Monitoring or CaseStep.Closed)
            {
                var proposed = Min(assessed + TimeSpan.FromDays(1 + r.NextDouble() * 10), end);
                var decided = Min(proposed + TimeSpan.FromDays(1 + r.NextDouble() * 8), end);
                plan = new SupportPlan("Bảo đảm an toàn và ổn định cho trẻ", [new PlanItem("Thăm gia đình hằng tháng", "users/" + ward.Id + "-officer", null)],
                    PlanStatus.Approved, officer, proposed, viceChair, decided, "");
                events.Add(new(decided, "PLAN_APPROVED", (int)CaseStep.PlanApproved, ""));
                audit.Add(Audit(decided, viceChair, CaseService + "DecidePlan", "cases/" + id));
                if (step != CaseStep.PlanApproved)
                {
                    interventionStart = Min(decided + TimeSpan.FromDays(1 + r.NextDouble() * 5), end);
                    events.Add(new(interventionStart.Value, "INTERVENTION_STARTED", (int)CaseStep.InIntervention, ""));
                }
            }
        }
        CaseClosure? closure = null;
        if (closeTime is { } ct)
        {
            var reason = CloseReasons[r.Next(CloseReasons.Length)];
            closure = new CaseClosure(reason, "Trẻ ổn định", officer, ct);
            events.Add(new(ct, "CASE_CLOSED", (int)CaseStep.Closed, reason));
            audit.Add(Audit(ct, officer, CaseService + "CloseCase", "cases/" + id));
        }
        var reads = r.Next(1, 5);
        for (var k = 0; k < reads; k++)
        {
            var who = r.NextDouble() switch { < 0.5 => officer, < 0.8 => viceChair, _ => coordinator };
            audit.Add(Audit(Between(r, report, end), who, CaseService + "GetCase", "cases/" + id));
        }

        var reminders = new List<GeneratedReminder>();
        if (nextDue is { } due)
        {
            reminders.Add(new($"gen:case:{id}:21", ReminderTargets.Case, id, (int)ReminderKind.CaseOverdue, due, due <= now ? due : null));
        }
        var tasks = new List<TaskRecord>(TasksPerCase);
        var taskIds = new string[TasksPerCase];
        for (var t = 0; t < TasksPerCase; t++)
        {
            taskIds[t] = $"{TaskPrefix}{index + 1:D7}-{t + 1}";
        }
        var summary = new TaskCaseSummary(name, childAge, person.Sex.ToString(), ward.Id, person.Address, person.FamilyContact);
        for (var t = 0; t < TasksPerCase; t++)
        {
            tasks.Add(Task(r, taskIds[t], id, ward, viceChair, summary, report, end, closed, risk, reminders, audit));
        }
        var flagged = !closed && r.NextDouble() < 0.01;
        var record = new CaseRecord(id, ward.Id, ward.ClusterId, details, report, step, risk, initial, null, plan, taskIds,
            flagged ? new ConferenceFlag(true, "Cần trao đổi liên ngành", officer, Between(r, report, now)) : null,
            closure, interventionStart, null, officer, events.Count + 1, report, events[^1].Time);
        events.Sort((a, b) => a.Time.CompareTo(b.Time));
        return new GeneratedCase(record, nextDue, tasks, events, reminders, audit);
    }

    private TaskRecord Task(Random r, string id, string caseId, DemoDirectory.DemoWard ward, Actor assigner, TaskCaseSummary summary,
        DateTimeOffset report, DateTimeOffset end, bool caseClosed, RiskLevel risk, List<GeneratedReminder> reminders, List<GeneratedAudit> audit)
    {
        var city = r.NextDouble() < 0.2;
        var agency = city ? CityAgencies[r.Next(CityAgencies.Length)] : $"{ward.Id}-{WardDepartments[r.Next(WardDepartments.Length)]}";
        var kind = city ? TaskKind.Referral : risk == RiskLevel.Serious && r.NextDouble() < 0.3 ? TaskKind.Emergency : TaskKind.Assignment;
        var created = Min(report + TimeSpan.FromHours(r.NextDouble() * Math.Min(60 * 24, Math.Max(1, (end - report).TotalHours))), end);
        var due = created + TimeSpan.FromDays(kind == TaskKind.Emergency ? 0.5 : 3 + r.NextDouble() * 17);
        if (!caseClosed && due > now && due < now + TimeSpan.FromHours(2))
        {
            // Nothing falls due while a benchmark runs: the generated tasks have no grain state to act on it.
            due = now + TimeSpan.FromHours(2 + r.NextDouble() * 24);
        }
        TaskStatus status;
        if (caseClosed)
        {
            status = r.NextDouble() switch { < 0.85 => TaskStatus.Completed, < 0.93 => TaskStatus.Rejected, < 0.97 => TaskStatus.Cancelled, _ => TaskStatus.Failed };
        }
        else if (due < now && r.NextDouble() < 0.6)
        {
            status = r.NextDouble() < 0.9 ? TaskStatus.Completed : TaskStatus.Failed;
        }
        else
        {
            status = r.NextDouble() switch
            {
                < 0.1 => TaskStatus.Requested, < 0.2 => TaskStatus.Received, < 0.4 => TaskStatus.Accepted, < 0.9 => TaskStatus.InProgress, _ => TaskStatus.OnHold,
            };
        }
        var agencyActor = new Actor("agencies/" + agency, agency, Actor.AgencySystem, "agencies/" + agency);
        var history = new List<TaskEvent> { new(created, assigner, "ASSIGNED", TaskStatus.Requested, "", WardService + "AssignTask") };
        audit.Add(Audit(created, assigner, WardService + "AssignTask", "tasks/" + id));
        audit.Add(Audit(created + TimeSpan.FromMinutes(1 + r.NextDouble() * 60), agencyActor, PartnerService + "ListEvents", "tasks/" + id));
        var last = created;
        void Step(string action, TaskStatus s, string method, double maxDays)
        {
            last = Min(last + TimeSpan.FromHours(0.5 + r.NextDouble() * maxDays * 24), now);
            history.Add(new(last, agencyActor, action, s, "", TaskService + method));
            audit.Add(Audit(last, agencyActor, TaskService + method, "tasks/" + id));
        }
        OutcomeReport? outcome = null;
        var reviewed = false;
        switch (status)
        {
            case TaskStatus.Received:
                Step("RECEIVED", status, "ReceiveTask", 1);
                break;
            case TaskStatus.Accepted or TaskStatus.InProgress or TaskStatus.OnHold:
                Step("ACCEPTED", TaskStatus.Accepted, "AcceptTask", 2);
                if (status != TaskStatus.Accepted)
                {
                    Step("STARTED", TaskStatus.InProgress, "StartTask", 2);
                }
                if (status == TaskStatus.OnHold)
                {
                    Step("HELD", status, "HoldTask", 5);
                }
                break;
            case TaskStatus.Completed or TaskStatus.Failed:
                Step("ACCEPTED", TaskStatus.Accepted, "AcceptTask", 2);
                Step(status == TaskStatus.Completed ? "COMPLETED" : "FAILED", status, status == TaskStatus.Completed ? "CompleteTask" : "FailTask", 15);
                outcome = status == TaskStatus.Completed ? new OutcomeReport("Đã thăm gia đình và tư vấn", "Trẻ an toàn", false, "") : null;
                reviewed = r.NextDouble() < 0.8;
                break;
            case TaskStatus.Rejected:
                Step("REJECTED", status, "RejectTask", 2);
                break;
            case TaskStatus.Cancelled:
                last = Min(last + TimeSpan.FromDays(r.NextDouble() * 5), now);
                history.Add(new(last, assigner, "CANCELLED", status, "Không còn cần thiết", TaskService + "CancelTask"));
                audit.Add(Audit(last, assigner, TaskService + "CancelTask", "tasks/" + id));
                break;
        }
        if (TaskStateMachine.IsOpen(status))
        {
            // An open task has its follow-ups planned; those that fell due have fired.
            reminders.Add(new($"gen:task:{id}:5", ReminderTargets.Task, id, (int)ReminderKind.TaskDueSoon, due - TimeSpan.FromDays(1), due - TimeSpan.FromDays(1) <= now ? due - TimeSpan.FromDays(1) : null));
            reminders.Add(new($"gen:task:{id}:6", ReminderTargets.Task, id, (int)ReminderKind.TaskOverdue, due, due <= now ? due : null));
        }
        var spec = new TaskSpec(kind, caseId, ward.Id, agency, TaskTitles[r.Next(TaskTitles.Length)], "Liên hệ gia đình trong thời hạn, báo cáo kết quả.",
            kind == TaskKind.Emergency ? TaskPriority.Stat : TaskPriority.Routine, due, null, "");
        return new TaskRecord(id, spec, status, assigner, summary, outcome, "", reviewed, "", [.. history], history.Count, created, last);
    }

    private static GeneratedAudit Audit(DateTimeOffset time, Actor who, string method, string resource) =>
        new(time, who.Principal, who.Role, who.Scope, method, resource);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Between(Random r, DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? from : from + (to - from) * r.NextDouble();
}
