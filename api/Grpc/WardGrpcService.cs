using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.Silo.Intake;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Tasks;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1Task = Coordination.V1.Task;

namespace Coordination.Api.Grpc;

/// <summary>gRPC adapter of the ward view and the vice-chair's directions.</summary>
public sealed class WardGrpcService(IGrainFactory grains, ReadModelStore readModel, TimeProvider time, DirectoryGrpcService directory)
    : WardService.WardServiceBase
{
    /// <inheritdoc/>
    public override Task<Ward> GetWard(GetWardRequest request, ServerCallContext context) => directory.GetWard(request, context);

    /// <inheritdoc/>
    public override Task<ListWardsResponse> ListWards(ListWardsRequest request, ServerCallContext context) => directory.ListWards(request, context);

    /// <inheritdoc/>
    public override async Task<WardSummary> GetWardSummary(GetWardSummaryRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ResourceId("name", request.Name, "wards");
        v.ThrowIfAny();
        Access.RequireWardRead(CallContexts.Caller(context), id!);
        _ = await grains.GetGrain<IWardGrain>(id!).Get() ?? throw new NotFoundException(request.Name);
        var now = time.GetUtcNow();
        var counts = await readModel.WardCountsAsync(id!, now, context.CancellationToken);
        var summary = new WardSummary
        {
            Ward = request.Name,
            OpenCases = counts.CasesByStep.Values.Sum(),
            OverdueCases = counts.OverdueCases,
            OverdueTasks = counts.OverdueTasks,
            ComputeTime = Timestamp.FromDateTimeOffset(now),
        };
        summary.CasesByStep.AddRange(counts.CasesByStep.OrderBy(p => p.Key).Select(p => Label(ProtoName((Coordination.V1.CaseStep)(int)p.Key), p.Value)));
        summary.CasesByRisk.AddRange(counts.CasesByRisk.OrderBy(p => p.Key).Select(p => Label(ProtoName((Coordination.V1.RiskLevel)(int)p.Key), p.Value)));
        summary.TasksByStatus.AddRange(counts.TasksByStatus.OrderBy(p => p.Key).Select(p => Label(ProtoName((Coordination.V1.TaskStatus)(int)p.Key), p.Value)));
        summary.FlaggedCases.AddRange(counts.FlaggedCaseIds.Select(c => "cases/" + c));
        return summary;
    }

    /// <inheritdoc/>
    public override async Task<V1Task> AssignTask(AssignTaskRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var ward = v.ResourceId("ward", request.Ward, "wards");
        var caseId = v.ServerId("case", request.Case, "cases", required: false);
        var assignee = v.ResourceId("assignee", request.Assignee, "agencies");
        v.Required("title", request.Title, 300);
        v.Required("instructions", request.Instructions, 10_000);
        v.RequestId("request_id", request.RequestId);
        v.Enum("priority", request.Priority, required: false);
        if (request.Kind is not (Coordination.V1.TaskKind.Unspecified or Coordination.V1.TaskKind.Assignment or Coordination.V1.TaskKind.Emergency))
        {
            v.Add("kind", "Either TASK_KIND_ASSIGNMENT or TASK_KIND_EMERGENCY / chỉ giao nhiệm vụ thường hoặc khẩn cấp.");
        }
        var service = v.TaskService("service", request.Service, assignee);
        if (request.DueTime is null)
        {
            // Without a due time the service's response time sets it (the task grain counts it).
            if (request.Service.Length == 0)
            {
                v.Add("due_time", "Required unless a service is named / bắt buộc khi không chọn dịch vụ.");
            }
        }
        else if (request.DueTime.ToDateTimeOffset() <= time.GetUtcNow())
        {
            v.Add("due_time", "Must be in the future / hạn phải ở tương lai.");
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        if (!call.Actor.IsViceChairOf(ward!))
        {
            throw new PermissionDeniedException("Only the ward's vice-chair assigns tasks in the ward / chỉ Phó Chủ tịch UBND phường giao nhiệm vụ.");
        }
        var emergency = request.Kind == Coordination.V1.TaskKind.Emergency || request.Priority == Coordination.V1.TaskPriority.Stat;
        var spec = new TaskSpec(
            emergency ? Silo.Tasks.TaskKind.Emergency : Silo.Tasks.TaskKind.Assignment,
            caseId ?? "", ward!, assignee!, Text.Normalize(request.Title), Text.Normalize(request.Instructions),
            (Silo.Tasks.TaskPriority)(int)request.Priority, request.DueTime?.ToDateTimeOffset() ?? default, null, "", Service: service);
        return (await grains.GetGrain<IIntakeGrain>(0).CreateTask(spec, call)).ToMessage(time.GetUtcNow());
    }

    /// <summary>The contract's name of an enum value, e.g. CASE_STEP_PLANNING.</summary>
    private static string ProtoName<T>(T value) where T : struct, System.Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();

    private static LabelCount Label(string label, long count) => new() { Label = label, Count = count };
}
