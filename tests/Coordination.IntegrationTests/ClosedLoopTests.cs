using System.Diagnostics;
using System.Text.Json;
using Coordination.Client;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Feed;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;
using V1Task = Coordination.V1.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Issue 12's closed loop against one seeded host: coded reasons and outcomes the requester sees
/// and the reports count, an outcome sent back and completed again, and partner loops (the Node
/// sample and the .NET FeedWatcher) that get past every event type of the contract, a type they
/// do not know, a cancelled and a reassigned task without stalling. Each test works in its own
/// ward or agency, so they share the host without seeing each other.
/// </summary>
[Collection(Lanes.Clocks)]
public sealed partial class ClosedLoopTests(SeededHostFixture fixture, Xunit.Abstractions.ITestOutputHelper testOutput) : IClassFixture<SeededHostFixture>
{
    private static string NewId() => Guid.NewGuid().ToString();

    private static Actor ViceChair(string ward, string name) => new($"users/{ward}-vice-chair", name, Actor.WardViceChair, "wards/" + ward);

    private static Actor System(string agency) => new(agency, agency, Actor.AgencySystem, agency);

    private TaskService.TaskServiceClient Tasks(Actor a) => new(fixture.Host.As(a));

    private Task<V1Task> Assign(Actor viceChair, string agency, string title) =>
        new WardService.WardServiceClient(fixture.Host.As(viceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = viceChair.Scope, Assignee = agency, Title = title, Instructions = "Xác minh tại địa bàn",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)), RequestId = NewId(),
        }).ResponseAsync;

    private static OutcomeReport Outcome(TaskOutcomeCode code, string reference) => new()
    {
        ActionsTaken = "Khám, điều trị vết thương", Result = "Sức khỏe ổn định", OutcomeCode = code, PartnerReference = reference,
    };

    [Fact]
    public async Task An_outcome_sent_back_reopens_the_task_tells_the_agency_why_and_the_loop_closes_when_accepted()
    {
        var viceChair = ViceChair("hai-chau-1", "Trần Văn Bình");
        const string health = "agencies/hai-chau-1-health";
        var agency = Tasks(System(health));
        var requester = Tasks(viceChair);
        var task = await Assign(viceChair, health, "Khám sức khỏe cho trẻ");
        await agency.AcceptTaskAsync(new AcceptTaskRequest { Name = task.Name, RequestId = NewId() });
        await agency.StartTaskAsync(new StartTaskRequest { Name = task.Name, RequestId = NewId() });
        await agency.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = task.Name, RequestId = NewId(), Outcome = Outcome(TaskOutcomeCode.PartlyProvided, "BA-2026-0042"),
        });

        // The requester sees the code and the health station's record number.
        var seen = await requester.GetTaskAsync(new GetTaskRequest { Name = task.Name });
        Assert.Equal(TaskOutcomeCode.PartlyProvided, seen.Outcome.OutcomeCode);
        Assert.Equal("BA-2026-0042", seen.Outcome.PartnerReference);
        Assert.Equal(TaskOutcomeCode.PartlyProvided, seen.History.Last(e => e.Action == "COMPLETED").OutcomeCode);

        // Sending back needs a comment; an unknown action is refused.
        await RpcAssert.FailsWithFields(() => requester.ReviewOutcomeAsync(new ReviewOutcomeRequest
        {
            Name = task.Name, Action = OutcomeReviewAction.SendBack, RequestId = NewId(),
        }).ResponseAsync, "comment");
        await RpcAssert.FailsWithFields(() => requester.ReviewOutcomeAsync(new ReviewOutcomeRequest
        {
            Name = task.Name, Action = (OutcomeReviewAction)9, RequestId = NewId(),
        }).ResponseAsync, "action");
        // Only the assigner sends back.
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => agency.ReviewOutcomeAsync(new ReviewOutcomeRequest
        {
            Name = task.Name, Action = OutcomeReviewAction.SendBack, Comment = "x", RequestId = NewId(),
        }).ResponseAsync);

        var sendBack = new ReviewOutcomeRequest
        {
            Name = task.Name, Action = OutcomeReviewAction.SendBack, Comment = "Cần khám chuyên khoa tâm lý", RequestId = NewId(),
        };
        var reopened = await requester.ReviewOutcomeAsync(sendBack);
        Assert.Equal(Coordination.V1.TaskStatus.InProgress, reopened.Status);
        Assert.False(reopened.OutcomeReviewed);
        Assert.Equal(1, reopened.OutcomeSendBacks);
        Assert.Equal("OUTCOME_SENT_BACK", reopened.History[^1].Action);
        // A retry changes nothing (one history entry, one feed event).
        var retried = await requester.ReviewOutcomeAsync(sendBack);
        Assert.Equal(reopened.Etag, retried.Etag);

        var feed = new PartnerService.PartnerServiceClient(fixture.Host.As(System(health)));
        var events = (await feed.ListEventsAsync(new ListEventsRequest { Agency = health })).Events;
        var told = Assert.Single(events, e => e.ReviewAction == OutcomeReviewAction.SendBack);
        Assert.Equal(PartnerEventType.TaskUpdated, told.Type);
        Assert.Contains("Cần khám chuyên khoa tâm lý", told.Detail);
        Assert.Equal(Coordination.V1.TaskStatus.InProgress, told.Task.Status);
        Assert.Equal("BA-2026-0042", told.Task.Outcome.PartnerReference);

        // Waiting for review lists it no more; the agency works on and completes again.
        await agency.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = task.Name, RequestId = NewId(), Outcome = Outcome(TaskOutcomeCode.ServiceProvided, "BA-2026-0042/2"),
        });
        // An old caller's review (no action) accepts: the loop is closed.
        var closed = await requester.ReviewOutcomeAsync(new ReviewOutcomeRequest { Name = task.Name, Comment = "Cảm ơn", RequestId = NewId() });
        Assert.True(closed.OutcomeReviewed);
        Assert.Equal(Coordination.V1.TaskStatus.Completed, closed.Status);
        Assert.Equal(TaskOutcomeCode.ServiceProvided, closed.Outcome.OutcomeCode);
        Assert.Equal("BA-2026-0042/2", closed.Outcome.PartnerReference);
        var accepted = (await feed.ListEventsAsync(new ListEventsRequest { Agency = health })).Events[^1];
        Assert.Equal(OutcomeReviewAction.Accept, accepted.ReviewAction);
        Assert.Equal("BA-2026-0042/2", accepted.Task.Outcome.PartnerReference);
        // A reviewed outcome is never sent back.
        await RpcAssert.Fails(StatusCode.FailedPrecondition, () => requester.ReviewOutcomeAsync(new ReviewOutcomeRequest
        {
            Name = task.Name, Action = OutcomeReviewAction.SendBack, Comment = "Thêm", RequestId = NewId(),
        }).ResponseAsync);
    }

    [Fact]
    public async Task Coded_rejections_failures_and_outcomes_reach_the_requester_and_the_reports()
    {
        var viceChair = ViceChair("thanh-khe-dong", "Hoàng Văn Dũng");
        var requester = Tasks(viceChair);
        const string police = "agencies/thanh-khe-dong-police", health = "agencies/thanh-khe-dong-health", education = "agencies/thanh-khe-dong-education";

        // A code alone is enough; OTHER (and no code at all) needs words; unknown codes are refused.
        var rejected = await Assign(viceChair, police, "Xác minh 1");
        await RpcAssert.FailsWithFields(() => Tasks(System(police)).RejectTaskAsync(new RejectTaskRequest
        {
            Name = rejected.Name, ReasonCode = TaskReasonCode.Other, RequestId = NewId(),
        }).ResponseAsync, "reason");
        await RpcAssert.FailsWithFields(() => Tasks(System(police)).RejectTaskAsync(new RejectTaskRequest
        {
            Name = rejected.Name, ReasonCode = (TaskReasonCode)42, Reason = "?", RequestId = NewId(),
        }).ResponseAsync, "reason_code");
        await Tasks(System(police)).RejectTaskAsync(new RejectTaskRequest { Name = rejected.Name, ReasonCode = TaskReasonCode.OutsideArea, RequestId = NewId() });
        var seen = await requester.GetTaskAsync(new GetTaskRequest { Name = rejected.Name });
        Assert.Equal(TaskReasonCode.OutsideArea, seen.StatusReasonCode);
        Assert.Equal("Ngoài địa bàn / outside our area", seen.StatusReason);
        Assert.Equal(TaskReasonCode.OutsideArea, seen.History[^1].ReasonCode);

        // An old caller: text, no code.
        var old = await Assign(viceChair, police, "Xác minh 2");
        await Tasks(System(police)).RejectTaskAsync(new RejectTaskRequest { Name = old.Name, Reason = "Không thuộc thẩm quyền", RequestId = NewId() });
        seen = await requester.GetTaskAsync(new GetTaskRequest { Name = old.Name });
        Assert.Equal(TaskReasonCode.Unspecified, seen.StatusReasonCode);
        Assert.Equal("Không thuộc thẩm quyền", seen.StatusReason);

        var failed = await Assign(viceChair, health, "Khám sức khỏe");
        await Tasks(System(health)).AcceptTaskAsync(new AcceptTaskRequest { Name = failed.Name, RequestId = NewId() });
        await Tasks(System(health)).FailTaskAsync(new FailTaskRequest
        {
            Name = failed.Name, ReasonCode = TaskReasonCode.CannotContact, Reason = "Gọi 3 lần không được", RequestId = NewId(),
        });
        seen = await requester.GetTaskAsync(new GetTaskRequest { Name = failed.Name });
        Assert.Equal(TaskReasonCode.CannotContact, seen.StatusReasonCode);
        Assert.Equal("Gọi 3 lần không được", seen.StatusReason);
        // A failure is acknowledged or reassigned, never sent back.
        await RpcAssert.Fails(StatusCode.FailedPrecondition, () => requester.ReviewOutcomeAsync(new ReviewOutcomeRequest
        {
            Name = failed.Name, Action = OutcomeReviewAction.SendBack, Comment = "Thử lại", RequestId = NewId(),
        }).ResponseAsync);

        var done = await Assign(viceChair, education, "Hỗ trợ đi học");
        var school = Tasks(System(education));
        await school.AcceptTaskAsync(new AcceptTaskRequest { Name = done.Name, RequestId = NewId() });
        await RpcAssert.FailsWithFields(() => school.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = done.Name, RequestId = NewId(), Outcome = Outcome(TaskOutcomeCode.ReferredElsewhere, new string('x', 101)),
        }).ResponseAsync, "outcome.partner_reference");
        await school.StartTaskAsync(new StartTaskRequest { Name = done.Name, RequestId = NewId() });
        await school.CompleteTaskAsync(new CompleteTaskRequest { Name = done.Name, RequestId = NewId(), Outcome = Outcome(TaskOutcomeCode.ReferredElsewhere, "") });

        // The Centre counts why referrals fail and what came of them.
        var report = await new ReportService.ReportServiceClient(fixture.Host.Coordinator).GetReportAsync(new GetReportRequest
        {
            Scope = "wards/thanh-khe-dong", Period = new ReportPeriod { Year = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).Year },
        });
        var total = report.Tasks.Total;
        Assert.Equal(1, total.RejectedByReasonCode.Rows.Single(r => r.Key == "TASK_REASON_CODE_OUTSIDE_AREA").Count);
        Assert.Equal("Ngoài địa bàn", total.RejectedByReasonCode.Rows.Single(r => r.Key == "TASK_REASON_CODE_OUTSIDE_AREA").Label);
        Assert.Equal(1, total.RejectedByReasonCode.Rows.Single(r => r.Key == "TASK_REASON_CODE_UNSPECIFIED").Count);
        Assert.Equal(2, total.RejectedByReasonCode.Total);
        Assert.Equal(1, total.FailedByReasonCode.Rows.Single(r => r.Key == "TASK_REASON_CODE_CANNOT_CONTACT").Count);
        Assert.Equal(1, total.CompletedByOutcomeCode.Rows.Single(r => r.Key == "TASK_OUTCOME_CODE_REFERRED_ELSEWHERE").Count);
        var byPolice = report.Tasks.ByAgency.Single(f => f.Agency == police);
        Assert.Equal(2, byPolice.RejectedByReasonCode.Rows.Sum(r => r.Count));
        Assert.Contains(report.Definitions, d => d.Key == "tasks.completed_by_outcome_code");
    }

    [Fact]
    public async Task The_node_sample_gets_past_every_event_type_and_completes_an_outcome_sent_back_with_a_code_and_its_reference()
    {
        var viceChair = ViceChair("hai-chau-1", "Trần Văn Bình");
        const string police = "agencies/hai-chau-1-police";
        var last = await FillFeed(viceChair, police, "hai-chau-1");
        // A task the police completed (by another of its systems) and whose outcome the ward sends
        // back: the sample's accept is refused, then it works on and completes again.
        var fresh = await Assign(viceChair, police, "Xác minh tin báo mới");
        var byHand = Tasks(System(police));
        await byHand.AcceptTaskAsync(new AcceptTaskRequest { Name = fresh.Name, RequestId = NewId() });
        await byHand.StartTaskAsync(new StartTaskRequest { Name = fresh.Name, RequestId = NewId() });
        await byHand.CompleteTaskAsync(new CompleteTaskRequest { Name = fresh.Name, RequestId = NewId(), Outcome = Outcome(TaskOutcomeCode.Other, "") });
        await Tasks(viceChair).ReviewOutcomeAsync(new ReviewOutcomeRequest
        {
            Name = fresh.Name, Action = OutcomeReviewAction.SendBack, Comment = "Thiếu biên bản xác minh", RequestId = NewId(),
        });

        var psi = new ProcessStartInfo("node",
        [
            Path.Combine(PlatformHost.RepositoryRoot(), "clients", "node-partner", "partner.js"),
            "--target", $"127.0.0.1:{fixture.Host.GrpcPort}",
            "--credentials", Path.Combine(fixture.Host.DataDirectory, "dev-credentials.json"),
            "--agency", police, "--once", "--timeout", "60",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
        var output = await stdout;

        Assert.True(node.ExitCode == 0, $"node partner exited {node.ExitCode}:\n{output}\n{await stderr}");
        using var summary = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Assert.Equal(fresh.Name, summary.RootElement.GetProperty("task").GetString());
        Assert.Equal(last + 2, summary.RootElement.GetProperty("ackedSequence").GetInt64());
        // The cancelled, the reassigned and the two completed tasks: each refused once, logged, passed.
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains("AcceptTask", StringComparison.Ordinal) && l.Contains("refused (FAILED_PRECONDITION)", StringComparison.Ordinal)));
        Assert.Contains("of unknown type 99: skipped", output);
        Assert.Contains("conference clusters/hai-chau/conferences/", output);
        Assert.DoesNotContain("stream interrupted", output);
        Assert.Contains("sent back: Kết quả bị gửi lại / outcome sent back: Thiếu biên bản xác minh", output);

        var final = await Tasks(viceChair).GetTaskAsync(new GetTaskRequest { Name = fresh.Name });
        Assert.Equal(Coordination.V1.TaskStatus.Completed, final.Status);
        Assert.Equal(TaskOutcomeCode.ServiceProvided, final.Outcome.OutcomeCode);
        Assert.StartsWith("CA-HC1/", final.Outcome.PartnerReference);
        Assert.Equal(1, final.OutcomeSendBacks);
        Assert.False(final.OutcomeReviewed);
        var acked = await new PartnerService.PartnerServiceClient(fixture.Host.As(System(police))).ListEventsAsync(new ListEventsRequest { Agency = police });
        Assert.Equal(last + 2, acked.AckedSequence);
    }

    [Fact]
    public async Task The_feed_watcher_gets_past_every_event_type_refused_steps_and_an_unknown_type()
    {
        var viceChair = ViceChair("man-thai", "Bùi Văn Lộc");
        const string police = "agencies/man-thai-police";
        var last = await FillFeed(viceChair, police, "man-thai");
        var fresh = await Assign(viceChair, police, "Xác minh tin báo mới");
        using var client = new CoordinationClient(new CoordinationClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{fixture.Host.GrpcPort}"),
            Token = _ => ValueTask.FromResult(fixture.Host.TokenFor(System(police))),
        });
        var refused = new List<(long, StatusCode)>();
        var types = new List<PartnerEventType>();
        var watcher = new FeedWatcher(client, police) { OnRefused = (e, x) => refused.Add((e.Sequence, x.StatusCode)) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = watcher.RunAsync(async (e, ct) =>
        {
            types.Add(e.Type);
            if (e.Type == PartnerEventType.TaskAssigned)
            {
                await client.AcceptAsync(e.Task.Name, "Đã tiếp nhận", ct);
                await client.ReportProgressAsync(e.Task.Name, "Đang xác minh", ct);
                await client.CompleteAsync(e.Task.Name, new OutcomeReport
                {
                    ActionsTaken = "Xác minh", Result = "Trẻ an toàn", OutcomeCode = TaskOutcomeCode.ServiceProvided, PartnerReference = "CA-MT/2026/17",
                }, ct);
            }
        }, stop.Token, startAfter: 0);
        while (watcher.Cursor < last + 1 && !stop.IsCancellationRequested)
        {
            await Task.Delay(50);
        }
        await stop.CancelAsync();
        await run;

        Assert.Equal(last + 1, watcher.Cursor);
        Assert.Equal(0, watcher.Reconnects);
        Assert.Equal(1, watcher.Ignored);
        Assert.Equal(3, refused.Count);
        Assert.All(refused, r => Assert.Equal(StatusCode.FailedPrecondition, r.Item2));
        Assert.Equal(
            [PartnerEventType.TaskAssigned, PartnerEventType.TaskCancelled, PartnerEventType.TaskAssigned, PartnerEventType.TaskCancelled,
             PartnerEventType.TaskAssigned, PartnerEventType.CommentAdded, PartnerEventType.TaskUpdated, PartnerEventType.Conference,
             PartnerEventType.DueSoon, PartnerEventType.Overdue, PartnerEventType.Escalated, PartnerEventType.TaskAssigned],
            types);
        var final = await Tasks(viceChair).GetTaskAsync(new GetTaskRequest { Name = fresh.Name });
        Assert.Equal("CA-MT/2026/17", final.Outcome.PartnerReference);
    }

    /// <summary>
    /// Fills an agency's feed with every event type of the contract and one from a later contract:
    /// a cancelled task, a reassigned task, a task commented on, completed and its outcome accepted
    /// (all through the API); then a conference notice, the follow-ups of a late task and an event
    /// of unknown type 99, appended through the feed store the platform's grains and reminder job
    /// use (waiting for real reminders would take minutes). Returns the last sequence.
    /// </summary>
    private async Task<long> FillFeed(Actor viceChair, string agency, string ward)
    {
        var requester = Tasks(viceChair);
        var partner = Tasks(System(agency));
        var cancelled = await Assign(viceChair, agency, "Việc sẽ bị hủy");
        await requester.CancelTaskAsync(new CancelTaskRequest { Name = cancelled.Name, Reason = "Trùng việc", RequestId = NewId() });
        var reassigned = await Assign(viceChair, agency, "Việc sẽ giao lại");
        await requester.ReassignTaskAsync(new ReassignTaskRequest
        {
            Name = reassigned.Name, Assignee = $"agencies/{ward}-justice", Reason = "Thuộc lĩnh vực tư pháp", RequestId = NewId(),
        });
        var worked = await Assign(viceChair, agency, "Việc đã làm xong");
        await requester.AddTaskCommentAsync(new AddTaskCommentRequest { Name = worked.Name, Text = "Báo cáo trước 17h", RequestId = NewId() });
        await partner.AcceptTaskAsync(new AcceptTaskRequest { Name = worked.Name, RequestId = NewId() });
        await partner.StartTaskAsync(new StartTaskRequest { Name = worked.Name, RequestId = NewId() });
        await partner.CompleteTaskAsync(new CompleteTaskRequest { Name = worked.Name, RequestId = NewId(), Outcome = Outcome(TaskOutcomeCode.ServiceProvided, "") });
        await requester.ReviewOutcomeAsync(new ReviewOutcomeRequest { Name = worked.Name, Comment = "Đã xem", RequestId = NewId() });

        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var store = new FeedStore(db);
        var id = agency["agencies/".Length..];
        var now = DateTimeOffset.UtcNow;
        var late = LateTask(worked.Name["tasks/".Length..], id, viceChair);
        await store.AppendInboxAsync(Inboxes.Agency(id), $"test:{id}:conference", Silo.Feed.InboxEventType.ConferenceScheduled, now,
            new InboxItem("", "", "hai-chau/2026-Q4", "Hội nghị ca quý IV", "Thứ Năm 10/12, 8:00"));
        await store.AppendAsync(id, $"test:{id}:due-soon", FeedEventType.DueSoon, now, late, "Sắp đến hạn / due soon");
        await store.AppendAsync(id, $"test:{id}:overdue", FeedEventType.Overdue, now, late, "Quá hạn / overdue");
        await store.AppendAsync(id, $"test:{id}:escalated", FeedEventType.Escalated, now, late, "Đã báo cáo lên cấp trên vì quá hạn / escalated for being late");
        await store.AppendAsync(id, $"test:{id}:future", (FeedEventType)99, now, late, "a type from a later contract");

        var page = await new PartnerService.PartnerServiceClient(fixture.Host.As(System(agency))).ListEventsAsync(new ListEventsRequest { Agency = agency });
        Assert.Equal(
            [PartnerEventType.TaskAssigned, PartnerEventType.TaskCancelled, PartnerEventType.TaskAssigned, PartnerEventType.TaskCancelled,
             PartnerEventType.TaskAssigned, PartnerEventType.CommentAdded, PartnerEventType.TaskUpdated, PartnerEventType.Conference,
             PartnerEventType.DueSoon, PartnerEventType.Overdue, PartnerEventType.Escalated, (PartnerEventType)99],
            page.Events.Select(e => e.Type));
        Assert.Null(page.Events[7].Task);
        return page.LastSequence;
    }

    private static Silo.Tasks.TaskRecord LateTask(string taskId, string agencyId, Actor assigner)
    {
        var due = DateTimeOffset.UtcNow.AddHours(-1);
        var spec = new Silo.Tasks.TaskSpec(Silo.Tasks.TaskKind.Assignment, "", assigner.Scope["wards/".Length..], agencyId, "Việc quá hạn", "",
            Silo.Tasks.TaskPriority.Routine, due, null, "");
        return new Silo.Tasks.TaskRecord(taskId, spec, Silo.Tasks.TaskStatus.InProgress, assigner, null, null, "", false, "",
            [new Silo.Tasks.TaskEvent(due.AddDays(-2), assigner, "CREATED", Silo.Tasks.TaskStatus.Requested, "Việc quá hạn", "")],
            1, due.AddDays(-2), due.AddDays(-2));
    }
}
