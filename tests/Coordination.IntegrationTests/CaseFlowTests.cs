using System.Text;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using TaskStatus = Coordination.V1.TaskStatus;
using V1Task = Coordination.V1.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// The Da Nang flow end to end through gRPC on a real port against real PostgreSQL, with the host
/// restarted between steps.
/// </summary>
[Collection(Lanes.Work)]
public sealed class CaseFlowTests : IAsyncLifetime
{
    private const string Officer = "users/hai-chau-1-officer";
    private const string ViceChair = "users/hai-chau-1-vice-chair";
    private const string Police = "agencies/hai-chau-1-police";
    private const string Health = "agencies/hai-chau-1-health";
    private const string Hospital = "agencies/danang-hospital";
    private const string Centre = "agencies/danang-swc";

    private TestDatabase _db = null!;
    private PlatformHost _host = null!;
    private string _dataDir = "";
    private Credentials _as = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _dataDir = Directory.CreateTempSubdirectory("coord-flow-").FullName;
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: _dataDir);
        _as = Credentials.Load(_dataDir);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    // Calls without explicit headers act as a city coordinator.
    private CaseService.CaseServiceClient Cases => new(_host.Coordinator);
    private TaskService.TaskServiceClient Tasks => new(_host.Coordinator);
    private WardService.WardServiceClient Wards => new(_host.Coordinator);

    private static string Rid() => Guid.NewGuid().ToString();

    private static Timestamp In(TimeSpan t) => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + t);

    private async Task Restart()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: _dataDir);
    }

    private static Case HotlineReport() => new()
    {
        Ward = "wards/hai-chau-1",
        Source = IntakeSource.HotlineCall,
        Reporter = new Reporter { DisplayName = "Người hàng xóm", Relationship = "Hàng xóm", Phone = "0905 000 111" },
        Person = new Person
        {
            DisplayName = "Nguyễn Thị Hằng",
            Sex = Sex.Female,
            BirthDate = new CalendarDate { Year = 2016, Month = 5, Day = 1 },
            Address = "Tổ 5, phường Hải Châu I",
            FamilyContact = "Mẹ: Trần Thị B, 0905 222 333",
        },
        Categories = { CaseCategory.Abused, CaseCategory.Violence },
        Account = "Cháu bị cha dượng đánh nhiều lần, có vết bầm trên tay.",
    };

    [Fact]
    public async Task The_da_nang_flow_runs_end_to_end_and_survives_restarts()
    {
        // An officer opens a case from a hotline report.
        var opened = await Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport(), RequestId = Rid() }, _as.As(Officer));
        Assert.Matches(@"^cases/DN-20\d\d-\d{6}$", opened.Name);
        Assert.Equal(CaseStep.Received, opened.Step);
        Assert.Equal("clusters/hai-chau", opened.Cluster);
        Assert.NotNull(opened.Clocks.PlanDueTime);

        // Initial assessment finds serious risk: EMERGENCY with the 12-hour clock.
        var assessed = await Cases.RecordInitialAssessmentAsync(new RecordInitialAssessmentRequest
        {
            Name = opened.Name, RequestId = Rid(), Etag = opened.Etag,
            Assessment = new Assessment { RiskLevel = RiskLevel.Serious, Findings = "Nguy cơ bị tổn hại nghiêm trọng", Needs = { "Tách khỏi người gây hại", "Khám thương tích" } },
        }, _as.As(Officer));
        Assert.Equal(CaseStep.Emergency, assessed.Step);
        Assert.Equal(opened.ReportTime.ToDateTimeOffset().AddHours(12), assessed.Clocks.EmergencyMeasuresDueTime.ToDateTimeOffset());

        // The vice-chair assigns emergency tasks to the ward police and health station.
        System.Threading.Tasks.Task<V1Task> Assign(string agency, string title) => Wards.AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/hai-chau-1", Case = opened.Name, Assignee = agency, Title = title,
            Instructions = "Khẩn cấp: bảo đảm an toàn cho trẻ", Kind = TaskKind.Emergency, Priority = TaskPriority.Stat,
            DueTime = In(TimeSpan.FromHours(6)), RequestId = Rid(),
        }, _as.As(ViceChair)).ResponseAsync;
        var policeTask = await Assign(Police, "Bảo đảm an toàn cho trẻ");
        var healthTask = await Assign(Health, "Khám và sơ cứu");
        Assert.Equal(TaskKind.Emergency, policeTask.Kind);
        Assert.Equal(TaskStatus.Requested, policeTask.Status);
        Assert.Equal("Nguyễn Thị Hằng", policeTask.CaseSummary.PersonName);

        // Police accepts, works and completes with an outcome.
        await Tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = policeTask.Name, RequestId = Rid() }, _as.As(Police));
        await Tasks.StartTaskAsync(new StartTaskRequest { Name = policeTask.Name, RequestId = Rid() }, _as.As(Police));
        await Tasks.ReportProgressAsync(new ReportProgressRequest { Name = policeTask.Name, Note = "Đã làm việc với gia đình", RequestId = Rid() }, _as.As(Police));
        await Restart();
        var policeDone = await Tasks.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = policeTask.Name, RequestId = Rid(),
            Outcome = new OutcomeReport { ActionsTaken = "Tách trẻ khỏi cha dượng, lập biên bản", Result = "Trẻ an toàn tại nhà bà ngoại", FollowUpNeeded = true, FollowUp = "Thăm lại sau 1 tuần" },
        }, _as.As(Police));
        Assert.Equal(TaskStatus.Completed, policeDone.Status);
        var reviewed = await Tasks.ReviewOutcomeAsync(new ReviewOutcomeRequest { Name = policeTask.Name, RequestId = Rid() }, _as.As(ViceChair));
        Assert.True(reviewed.OutcomeReviewed);

        // Health rejects with a reason; the vice-chair reassigns to the city hospital.
        var rejected = await Tasks.RejectTaskAsync(new RejectTaskRequest { Name = healthTask.Name, Reason = "Trạm không đủ chuyên môn giám định", RequestId = Rid() }, _as.As(Health));
        Assert.Equal(TaskStatus.Rejected, rejected.Status);
        Assert.Equal("Trạm không đủ chuyên môn giám định", rejected.StatusReason);
        var hospitalTask = await Tasks.ReassignTaskAsync(new ReassignTaskRequest
        {
            Name = healthTask.Name, Assignee = Hospital, Reason = "Chuyển Bệnh viện Đà Nẵng", RequestId = Rid(),
        }, _as.As(ViceChair));
        Assert.Equal(Hospital, hospitalTask.Assignee);
        Assert.Equal(healthTask.Name, hospitalTask.Replaces);
        Assert.Equal(hospitalTask.Name, (await Tasks.GetTaskAsync(new GetTaskRequest { Name = healthTask.Name })).ReplacedBy);

        // A referral to the Centre for psychological therapy is accepted.
        var referral = await Tasks.CreateReferralAsync(new CreateReferralRequest
        {
            Case = opened.Name, Assignee = Centre, RequestId = Rid(), DueTime = In(TimeSpan.FromDays(10)),
            Dossier = new ReferralDossier { Reason = "Sang chấn sau bạo lực", RequestedService = "Trị liệu tâm lý", AssessmentSummary = "Nguy cơ cao", ConsentGiven = true, ConsentBy = "Mẹ: Trần Thị B" },
        }, _as.As(Officer));
        Assert.Equal(TaskKind.Referral, referral.Kind);
        await Tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = referral.Name, RequestId = Rid() }, _as.As(Centre));
        foreach (var step in new Func<Metadata, AsyncUnaryCall<V1Task>>[]
        {
            h => Tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = hospitalTask.Name, RequestId = Rid() }, h),
            h => Tasks.StartTaskAsync(new StartTaskRequest { Name = hospitalTask.Name, RequestId = Rid() }, h),
            h => Tasks.CompleteTaskAsync(new CompleteTaskRequest { Name = hospitalTask.Name, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "Khám, giám định", Result = "Thương tích nhẹ" } }, h),
        })
        {
            await step(_as.As(Hospital));
        }

        // The plan is proposed and approved; intervention; monitoring.
        var detailed = await Cases.RecordDetailedAssessmentAsync(new RecordDetailedAssessmentRequest
        {
            Name = opened.Name, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.High, Findings = "Cần hỗ trợ tâm lý và giám sát gia đình" },
        }, _as.As(Officer));
        Assert.Equal(CaseStep.Planning, detailed.Step);
        var proposed = await Cases.ProposePlanAsync(new ProposePlanRequest
        {
            Name = opened.Name, RequestId = Rid(),
            Plan = new SupportPlan
            {
                Goal = "Trẻ an toàn và ổn định tâm lý",
                Items =
                {
                    new PlanItem { Action = "Trị liệu tâm lý 8 buổi", Responsible = Centre, DueTime = In(TimeSpan.FromDays(60)) },
                    new PlanItem { Action = "Thăm gia đình hằng tháng", Responsible = Officer, DueTime = In(TimeSpan.FromDays(180)) },
                },
            },
        }, _as.As(Officer));
        Assert.Equal(PlanStatus.Proposed, proposed.Plan.Status);
        Assert.NotNull(proposed.Clocks.PlanApprovalDueTime);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases.ApprovePlanAsync(new ApprovePlanRequest { Name = opened.Name, RequestId = Rid() }, _as.As(Officer)).ResponseAsync);
        var approved = await Cases.ApprovePlanAsync(new ApprovePlanRequest { Name = opened.Name, RequestId = Rid(), Comment = "Đồng ý" }, _as.As(ViceChair));
        Assert.Equal(CaseStep.PlanApproved, approved.Step);
        await Restart();
        var intervening = await Cases.StartInterventionAsync(new StartInterventionRequest { Name = opened.Name, RequestId = Rid() }, _as.As(Officer));
        Assert.Equal(CaseStep.InIntervention, intervening.Step);
        Assert.NotNull(intervening.Clocks.NextReviewDueTime);
        var monitoring = await Cases.RecordReviewAsync(new RecordReviewRequest
        {
            Name = opened.Name, RequestId = Rid(), Summary = "Trẻ tiến bộ", Decision = ReviewDecision.Monitor,
        }, _as.As(Officer));
        Assert.Equal(CaseStep.Monitoring, monitoring.Step);

        // Close: refused while the referral is open, then done once it completes.
        var refused = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Cases.CloseCaseAsync(new CloseCaseRequest
        {
            Name = opened.Name, RequestId = Rid(), Reason = "Mục tiêu đạt", Outcome = "Trẻ an toàn",
        }, _as.As(Officer)).ResponseAsync);
        Assert.Contains("open task", refused.Status.Detail);
        await Tasks.StartTaskAsync(new StartTaskRequest { Name = referral.Name, RequestId = Rid() }, _as.As(Centre));
        await Tasks.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = referral.Name, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "8 buổi trị liệu", Result = "Ổn định" },
        }, _as.As(Centre));
        var closed = await Cases.CloseCaseAsync(new CloseCaseRequest { Name = opened.Name, RequestId = Rid(), Reason = "Mục tiêu đạt", Outcome = "Trẻ an toàn" }, _as.As(Officer));
        Assert.Equal(CaseStep.Closed, closed.Step);

        // After a restart everything reads back the same.
        await Restart();
        Assert.Equal(closed, await Cases.GetCaseAsync(new GetCaseRequest { Name = opened.Name }));
        Assert.Equal(4, closed.Tasks.Count);
        var caseTasks = await Tasks.ListTasksAsync(new ListTasksRequest { Case = opened.Name });
        Assert.Equal(
            new[] { TaskStatus.Completed, TaskStatus.Rejected, TaskStatus.Completed, TaskStatus.Completed }.Order(),
            caseTasks.Tasks.Select(t => t.Status).Order());
        var timeline = await Cases.ListCaseTimelineAsync(new ListCaseTimelineRequest { Name = opened.Name, PageSize = 500 });
        Assert.Contains(timeline.Entries, e => e.Action == "PLAN_APPROVED" && e.Actor.Principal == ViceChair && e.Method == "coordination.v1.CaseService/ApprovePlan");
        Assert.Contains(timeline.Entries, e => e.Action == "TASK_REJECTED" && e.Resource == healthTask.Name);
        Assert.Equal(timeline.Entries.OrderBy(e => e.Time.ToDateTimeOffset()).Select(e => e.Sequence), timeline.Entries.Select(e => e.Sequence));
        var found = await Cases.ListCasesAsync(new ListCasesRequest { PersonName = "nguyen thi hang", IncludeClosed = true });
        Assert.Equal(opened.Name, Assert.Single(found.Cases).Name);
        Assert.Empty((await Cases.ListCasesAsync(new ListCasesRequest { PersonName = "nguyen thi hang" })).Cases);
    }

    [Fact]
    public async Task Retries_never_duplicate_and_illegal_transitions_name_the_status()
    {
        var create = new CreateCaseRequest { Case = HotlineReport(), RequestId = Rid() };
        var first = await Cases.CreateCaseAsync(create, _as.As(Officer));
        var again = await Cases.CreateCaseAsync(create, _as.As(Officer));
        Assert.Equal(first, again);
        Assert.Single((await Cases.ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1" })).Cases, c => c.Name == first.Name);

        var assign = new AssignTaskRequest
        {
            Ward = "wards/hai-chau-1", Case = first.Name, Assignee = Police, Title = "Xác minh", Instructions = "Xác minh thông tin",
            DueTime = In(TimeSpan.FromDays(2)), RequestId = Rid(),
        };
        var task = await Wards.AssignTaskAsync(assign, _as.As(ViceChair));
        Assert.Equal(task.Name, (await Wards.AssignTaskAsync(assign, _as.As(ViceChair))).Name);
        Assert.Single((await Tasks.ListTasksAsync(new ListTasksRequest { Case = first.Name })).Tasks);

        var accept = new AcceptTaskRequest { Name = task.Name, RequestId = Rid() };
        var accepted = await Tasks.AcceptTaskAsync(accept, _as.As(Police));
        Assert.Equal(accepted, await Tasks.AcceptTaskAsync(accept, _as.As(Police)));

        var byAgency = await Tasks.ListTasksAsync(new ListTasksRequest { Assignee = Police, Status = TaskStatus.Accepted }, _as.As(Police));
        Assert.Contains(byAgency.Tasks, t => t.Name == task.Name);
        Assert.DoesNotContain((await Tasks.ListTasksAsync(new ListTasksRequest { Assignee = Police, DueBefore = In(TimeSpan.FromDays(1)) })).Tasks, t => t.Name == task.Name);
        Assert.DoesNotContain((await Tasks.ListTasksAsync(new ListTasksRequest { Ward = "wards/hai-chau-1", Overdue = true })).Tasks, t => t.Name == task.Name);
        await Cases.SetConferenceFlagAsync(new SetConferenceFlagRequest { Name = first.Name, Flagged = true, Reason = "Cần ý kiến liên ngành", RequestId = Rid() }, _as.As(Officer));
        var summary = await Wards.GetWardSummaryAsync(new GetWardSummaryRequest { Name = "wards/hai-chau-1" }, _as.As(ViceChair));
        Assert.True(summary.OpenCases >= 1);
        Assert.Contains(summary.CasesByStep, l => l.Label == "CASE_STEP_RECEIVED" && l.Count >= 1);
        Assert.Contains(summary.TasksByStatus, l => l.Label == "TASK_STATUS_ACCEPTED" && l.Count >= 1);
        Assert.Contains(first.Name, summary.FlaggedCases);
        Assert.Contains((await Cases.ListCasesAsync(new ListCasesRequest { FlaggedForConference = true, Cluster = "clusters/hai-chau" })).Cases, c => c.Name == first.Name);

        var illegal = await RpcAssert.Fails(StatusCode.FailedPrecondition, () =>
            Tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = task.Name, RequestId = Rid() }, _as.As(Police)).ResponseAsync);
        Assert.Contains("Accepted", illegal.Status.Detail);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () =>
            Tasks.StartTaskAsync(new StartTaskRequest { Name = task.Name, RequestId = Rid() }, _as.As(Health)).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () =>
            Tasks.CancelTaskAsync(new CancelTaskRequest { Name = task.Name, Reason = "x", RequestId = Rid() }, _as.As(Police)).ResponseAsync);
        await RpcAssert.FailsWithFields(() =>
            Tasks.RejectTaskAsync(new RejectTaskRequest { Name = task.Name, RequestId = Rid() }, _as.As(Police)).ResponseAsync, "reason");
        await RpcAssert.Fails(StatusCode.PermissionDenied, () =>
            Wards.AssignTaskAsync(new AssignTaskRequest
            {
                Ward = "wards/xuan-ha", Assignee = "agencies/xuan-ha-police", Title = "x", Instructions = "x",
                DueTime = In(TimeSpan.FromDays(1)), RequestId = Rid(),
            }, _as.As(ViceChair)).ResponseAsync);
    }

    [Fact]
    public async Task An_agency_reads_the_full_case_only_while_the_case_worker_shares_it()
    {
        var c = await Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport(), RequestId = Rid() }, _as.As(Officer));
        await Cases.RecordInitialAssessmentAsync(new RecordInitialAssessmentRequest
        {
            Name = c.Name, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.High, Findings = "Chi tiết nhạy cảm" },
        }, _as.As(Officer));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _as.As(Police)).ResponseAsync);
        // Sharing the full record needs the family's consent (issue 12).
        await Cases.RecordConsentAsync(new RecordConsentRequest
        {
            Parent = c.Name, RequestId = Rid(),
            Consent = new Consent
            {
                GivenByKind = ConsentGiverKind.Parent, GivenByName = "Trần Thị B", Relationship = "Mẹ", Agencies = { Police },
                DataScopes = { ConsentDataScope.FullRecord }, Purpose = "Phối hợp điều tra",
            },
        }, _as.As(Officer));

        var shared = await Cases.SetCaseSharingAsync(new SetCaseSharingRequest { Name = c.Name, Agency = Police, Shared = true, RequestId = Rid() }, _as.As(Officer));
        Assert.Equal([Police], shared.SharedWith);
        var seen = await Cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _as.As(Police));
        Assert.Equal("Chi tiết nhạy cảm", seen.InitialAssessment.Findings);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _as.As(Health)).ResponseAsync);

        await Cases.SetCaseSharingAsync(new SetCaseSharingRequest { Name = c.Name, Agency = Police, Shared = false, RequestId = Rid() }, _as.As(Officer));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases.GetCaseAsync(new GetCaseRequest { Name = c.Name }, _as.As(Police)).ResponseAsync);
    }

    [Fact]
    public async Task Two_concurrent_updates_with_the_same_etag_exactly_one_wins()
    {
        var c = await Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport(), RequestId = Rid() }, _as.As(Officer));
        async System.Threading.Tasks.Task<bool> Update(string address)
        {
            try
            {
                var copy = c.Clone();
                copy.Person.Address = address;
                await Cases.UpdateCaseAsync(new UpdateCaseRequest { Case = copy, UpdateMask = FieldMask.FromString("person.address"), RequestId = Rid() }, _as.As(Officer));
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                return false;
            }
        }

        var results = await Task.WhenAll(Update("Địa chỉ A"), Update("Địa chỉ B"));

        Assert.Single(results, r => r);
        var after = await Cases.GetCaseAsync(new GetCaseRequest { Name = c.Name });
        Assert.Contains(after.Person.Address, new[] { "Địa chỉ A", "Địa chỉ B" });
        Assert.Equal(c.Person.DisplayName, after.Person.DisplayName);
    }

    [Fact]
    public async Task Bad_intakes_name_every_bad_field()
    {
        var bad = HotlineReport();
        bad.Person.DisplayName = "";
        bad.Person.BirthDate = new CalendarDate { Year = DateTime.UtcNow.Year + 1, Month = 1, Day = 1 };
        bad.Ward = "wards/no-such-ward";
        bad.Categories.Clear();
        bad.Account = new string('x', 10_001);

        await RpcAssert.FailsWithFields(
            () => Cases.CreateCaseAsync(new CreateCaseRequest { Case = bad }, _as.As(Officer)).ResponseAsync,
            "request_id", "case.person.display_name", "case.person.birth_date", "case.categories", "case.account");
        await RpcAssert.FailsWithFields(
            () => Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport().Also(c => c.Ward = "wards/no-such-ward"), RequestId = Rid() }).ResponseAsync,
            "case.ward");
        // A ward officer naming another (or no) ward is refused without learning which.
        await RpcAssert.Fails(StatusCode.PermissionDenied,
            () => Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport().Also(c => c.Ward = "wards/no-such-ward"), RequestId = Rid() }, _as.As(Officer)).ResponseAsync);
        var c = await Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport(), RequestId = Rid() }, _as.As(Officer));
        await RpcAssert.FailsWithFields(
            () => Wards.AssignTaskAsync(new AssignTaskRequest
            {
                Ward = "wards/hai-chau-1", Case = c.Name, Assignee = Police, Title = "x", Instructions = "x",
                DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)), RequestId = Rid(),
            }, _as.As(ViceChair)).ResponseAsync,
            "due_time");
        Assert.True("Nguyễn Thị Hằng".IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public async Task Closing_a_case_while_its_tasks_take_steps_never_deadlocks()
    {
        // The case cancels its tasks while the police work on them; each task step tells the case.
        for (var round = 0; round < 5; round++)
        {
            var opened = await Cases.CreateCaseAsync(new CreateCaseRequest { Case = HotlineReport(), RequestId = Rid() }, _as.As(Officer));
            var tasks = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                tasks.Add((await Wards.AssignTaskAsync(new AssignTaskRequest
                {
                    Ward = "wards/hai-chau-1", Case = opened.Name, Assignee = Police, Title = $"Việc {i}", Instructions = "i",
                    DueTime = In(TimeSpan.FromDays(2)), RequestId = Rid(),
                }, _as.As(ViceChair))).Name);
            }
            var deadline = DateTime.UtcNow.AddSeconds(15);
            var steps = tasks.Select(t => Tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = t, RequestId = Rid() }, _as.As(Police), deadline).ResponseAsync
                .ContinueWith(r => r.Exception?.InnerException is RpcException { StatusCode: StatusCode.FailedPrecondition } ? null : r.Exception, TaskScheduler.Default));
            var close = Cases.CloseCaseAsync(new CloseCaseRequest
            {
                Name = opened.Name, Reason = "Chuyển nơi cư trú", Outcome = "Đã bàn giao", CancelOpenTasks = true, RequestId = Rid(),
            }, _as.As(Officer), deadline).ResponseAsync;

            var closed = await close;
            Assert.All(await Task.WhenAll(steps), Assert.Null); // accepted, or refused because already cancelled: never stuck
            Assert.Equal(CaseStep.Closed, closed.Step);
            foreach (var t in tasks)
            {
                Assert.Equal(Coordination.V1.TaskStatus.Cancelled, (await Tasks.GetTaskAsync(new GetTaskRequest { Name = t })).Status);
            }
        }
    }
}

internal static class MessageExtensions
{
    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
