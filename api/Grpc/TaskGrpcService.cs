using Coordination.Api.Identity;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Intake;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Tasks;
using Coordination.V1;
using Grpc.Core;
using V1Task = Coordination.V1.Task;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>gRPC adapter of inter-agency tasks: validate, call one grain or read-model query, map back.</summary>
public sealed class TaskGrpcService(IGrainFactory grains, ReadModelStore readModel, TimeProvider time) : TaskService.TaskServiceBase
{
    private const int MaxText = 10_000;

    private V1Task Map(TaskRecord r) => r.ToMessage(time.GetUtcNow());

    /// <inheritdoc/>
    public override async Task<V1Task> CreateReferral(CreateReferralRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var caseId = v.ServerId("case", request.Case, "cases");
        var assignee = v.ResourceId("assignee", request.Assignee, "agencies");
        v.RequestId("request_id", request.RequestId);
        v.Enum("priority", request.Priority, required: false);
        var service = v.TaskService("service", request.Service, assignee);
        if (request.DueTime is not null || request.Service.Length == 0)
        {
            // Without a due time the service's response time sets it (the task grain counts it).
            FutureTime(v, "due_time", request.DueTime);
        }
        if (request.Dossier is not { } d)
        {
            v.Add("dossier", "Required: the referral dossier / cần hồ sơ chuyển tuyến.");
        }
        else
        {
            v.Required("dossier.reason", d.Reason, MaxText);
            v.Required("dossier.requested_service", d.RequestedService, 500);
            v.MaxLength("dossier.assessment_summary", d.AssessmentSummary, MaxText);
            v.MaxLength("dossier.consent_by", d.ConsentBy, 200);
        }
        // Whether consent covers the referral is the case's rule (FAILED_PRECONDITION CONSENT_REQUIRED).
        if (request.EmergencyOverride)
        {
            v.Required("emergency_override_reason", request.EmergencyOverrideReason, 2000);
        }
        else
        {
            v.MaxLength("emergency_override_reason", request.EmergencyOverrideReason, 2000);
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        Access.RequireNotReadOnly(call.Actor);
        var caseRecord = await grains.GetGrain<ICaseGrain>(caseId!).Get();
        if (caseRecord is not null)
        {
            Access.RequireWardWrite(call.Actor, caseRecord.WardId);
        }
        else if (!Access.SeesCity(call.Actor))
        {
            throw Access.Denied();
        }
        var dossier = request.Dossier!;
        var spec = new TaskSpec(
            Silo.Tasks.TaskKind.Referral, caseId!, "", assignee!,
            Text.Normalize(dossier.RequestedService), Text.Normalize(dossier.Reason),
            (Silo.Tasks.TaskPriority)(int)request.Priority, request.DueTime?.ToDateTimeOffset() ?? default,
            new Silo.Tasks.ReferralDossier(
                Text.Normalize(dossier.Reason), Text.Normalize(dossier.RequestedService), Text.Normalize(dossier.AssessmentSummary),
                dossier.ConsentGiven, Text.Normalize(dossier.ConsentBy)),
            "", Service: service,
            Emergency: request.EmergencyOverride ? new OverrideRequest(Text.Normalize(request.EmergencyOverrideReason)) : null);
        return Map(await grains.GetGrain<IIntakeGrain>(0).CreateTask(spec, call));
    }

    /// <inheritdoc/>
    public override async Task<V1Task> GetTask(GetTaskRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", request.Name, "tasks");
        v.ThrowIfAny();
        return Map(await Readable(id!, CallContexts.Caller(context), withHistory: true));
    }

    /// <inheritdoc/>
    public override async Task<ListTasksResponse> ListTasks(ListTasksRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var caller = CallContexts.Caller(context);
        var filter = new TaskFilter(
            v.ResourceId("assignee", request.Assignee, "agencies", required: false),
            v.ResourceId("ward", request.Ward, "wards", required: false),
            v.ServerId("case", request.Case, "cases", required: false),
            request.Status == Coordination.V1.TaskStatus.Unspecified ? null : (Silo.Tasks.TaskStatus)(int)request.Status,
            request.Kind == Coordination.V1.TaskKind.Unspecified ? null : (Silo.Tasks.TaskKind)(int)request.Kind,
            request.Overdue,
            request.DueBefore?.ToDateTimeOffset(),
            request.OpenOnly,
            request.AwaitingReview,
            request.AssigneeKind == Coordination.V1.AgencyKind.Unspecified ? null : (Silo.Directory.AgencyKind)(int)request.AssigneeKind);
        v.Enum("status", request.Status, required: false);
        v.Enum("kind", request.Kind, required: false);
        v.Enum("assignee_kind", request.AssigneeKind, required: false);
        filter = Scoped(filter, caller);
        var (size, after) = v.Page(request.PageSize, request.PageToken, filter.ToString(), PageCursor.Keyset);
        v.ThrowIfAny();
        var rows = await readModel.ListTasksAsync(filter, time.GetUtcNow(), KeysetCursor.Parse(after), size + 1, context.CancellationToken);
        var response = new ListTasksResponse();
        response.Tasks.AddRange(rows.Take(size).Select(Map));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = new PageToken(KeysetCursor.Format(last.Spec.DueTime, last.Id), filter.ToString()).Encode();
        }
        return response;
    }

    /// <inheritdoc/>
    public override Task<V1Task> ReceiveTask(ReceiveTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Receive, "", context, "note");

    /// <inheritdoc/>
    public override Task<V1Task> AcceptTask(AcceptTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Accept, request.Note, context, "note");

    /// <inheritdoc/>
    public override Task<V1Task> RejectTask(RejectTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Reject, request.Reason, context, "reason", request.ReasonCode);

    /// <inheritdoc/>
    public override Task<V1Task> StartTask(StartTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Start, request.Note, context, "note");

    /// <inheritdoc/>
    public override Task<V1Task> HoldTask(HoldTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Hold, request.Reason, context, "reason");

    /// <inheritdoc/>
    public override Task<V1Task> ReportProgress(ReportProgressRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.ReportProgress, request.Note, context, "note");

    /// <inheritdoc/>
    public override Task<V1Task> FailTask(FailTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Fail, request.Reason, context, "reason", request.ReasonCode);

    /// <inheritdoc/>
    public override Task<V1Task> CancelTask(CancelTaskRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Cancel, request.Reason, context, "reason");

    /// <inheritdoc/>
    public override Task<V1Task> ReviewOutcome(ReviewOutcomeRequest request, ServerCallContext context)
    {
        // No action means accept: callers from before send-back existed keep working unchanged.
        if (request.Action is not (OutcomeReviewAction.Unspecified or OutcomeReviewAction.Accept or OutcomeReviewAction.SendBack))
        {
            throw new InvalidArgumentException("action", "Unknown review action / hành động xem xét không hợp lệ.");
        }
        var action = request.Action == OutcomeReviewAction.SendBack ? TaskAction.SendBackOutcome : TaskAction.ReviewOutcome;
        return Apply(request.Name, request.RequestId, action, request.Comment, context, "comment");
    }

    /// <inheritdoc/>
    public override Task<V1Task> AddTaskComment(AddTaskCommentRequest request, ServerCallContext context) =>
        Apply(request.Name, request.RequestId, TaskAction.Comment, request.Text, context, "text");

    /// <inheritdoc/>
    public override async Task<V1Task> CompleteTask(CompleteTaskRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", request.Name, "tasks");
        v.RequestId("request_id", request.RequestId);
        if (request.Outcome is not { } o)
        {
            v.Add("outcome", "Required: what was done and the result / cần báo cáo kết quả.");
        }
        else
        {
            v.Required("outcome.actions_taken", o.ActionsTaken, MaxText);
            v.Required("outcome.result", o.Result, MaxText);
            v.Enum("outcome.outcome_code", o.OutcomeCode, required: false);
            v.MaxLength("outcome.partner_reference", o.PartnerReference, 100);
            if (o.FollowUpNeeded)
            {
                v.Required("outcome.follow_up", o.FollowUp, MaxText);
            }
            else
            {
                v.MaxLength("outcome.follow_up", o.FollowUp, MaxText);
            }
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(id!, call.Actor);
        var outcome = new Silo.Tasks.OutcomeReport(
            Text.Normalize(request.Outcome!.ActionsTaken), Text.Normalize(request.Outcome.Result),
            request.Outcome.FollowUpNeeded, Text.Normalize(request.Outcome.FollowUp),
            (Silo.Tasks.TaskOutcomeCode)(int)request.Outcome.OutcomeCode, Text.Normalize(request.Outcome.PartnerReference));
        return Map(await grains.GetGrain<ITaskGrain>(id!).Apply(new TaskStep(TaskAction.Complete, outcome.Result, outcome), call));
    }

    /// <inheritdoc/>
    public override async Task<V1Task> ReassignTask(ReassignTaskRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", request.Name, "tasks");
        var assignee = v.ResourceId("assignee", request.Assignee, "agencies");
        v.RequestId("request_id", request.RequestId);
        v.Required("reason", request.Reason, MaxText);
        if (request.DueTime is not null)
        {
            FutureTime(v, "due_time", request.DueTime);
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(id!, call.Actor);
        return Map(await grains.GetGrain<IIntakeGrain>(0).ReassignTask(
            id!, assignee!, request.DueTime?.ToDateTimeOffset(), Text.Normalize(request.Reason), call));
    }

    private async Task<V1Task> Apply(string name, string requestId, TaskAction action, string text, ServerCallContext context, string textField,
        Coordination.V1.TaskReasonCode reasonCode = Coordination.V1.TaskReasonCode.Unspecified)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", name, "tasks");
        v.RequestId("request_id", requestId);
        v.Enum("reason_code", reasonCode, required: false);
        var code = (Silo.Tasks.TaskReasonCode)(int)reasonCode;
        // Which steps need a reason is the state machine's rule (a coded rejection or failure may
        // go without words, OTHER may not); the field name is the request's.
        if (TaskCodes.NeedsText(action, code))
        {
            v.Required(textField, text, MaxText);
        }
        else
        {
            v.MaxLength(textField, text, MaxText);
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, requestId);
        await Writable(id!, call.Actor);
        return Map(await grains.GetGrain<ITaskGrain>(id!).Apply(new TaskStep(action, Text.Normalize(text), null, code), call));
    }

    /// <summary>The task, if the caller may read it (NOT_FOUND only for callers who see the whole city).</summary>
    private async Task<TaskRecord> Readable(string id, Actor caller, bool withHistory = false)
    {
        var grain = grains.GetGrain<ITaskGrain>(id);
        var record = withHistory ? await grain.GetWithHistory() : await grain.Get();
        if (record is null)
        {
            throw Access.SeesCity(caller) ? new NotFoundException("tasks/" + id) : Access.Denied();
        }
        Access.RequireTaskRead(caller, record.Spec.WardId, record.Spec.AssigneeAgencyId);
        return record;
    }

    /// <summary>Checks the caller may see the task and is not read-only; the grain decides which party may act.</summary>
    private async Task Writable(string id, Actor caller)
    {
        Access.RequireNotReadOnly(caller);
        await Readable(id, caller);
    }

    /// <summary>Narrows a task list to the caller's jurisdiction; asking for another one is refused.</summary>
    private static TaskFilter Scoped(TaskFilter filter, Actor caller)
    {
        if (Access.SeesCity(caller))
        {
            return filter;
        }
        if (Access.AgencyOf(caller) is { } agency)
        {
            return filter.AssigneeAgencyId is null || filter.AssigneeAgencyId == agency ? filter with { AssigneeAgencyId = agency } : throw Access.Denied();
        }
        if (Access.WardOf(caller) is { } ward)
        {
            return filter.WardId is null || filter.WardId == ward ? filter with { WardId = ward } : throw Access.Denied();
        }
        throw Access.Denied();
    }

    private void FutureTime(RequestValidation v, string field, Google.Protobuf.WellKnownTypes.Timestamp? t)
    {
        if (t is null)
        {
            v.Add(field, "Required / bắt buộc.");
        }
        else if (t.ToDateTimeOffset() <= time.GetUtcNow())
        {
            v.Add(field, "Must be in the future / hạn phải ở tương lai.");
        }
    }
}
