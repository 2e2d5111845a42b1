using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Tasks;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Coordination.Silo.Intake;

/// <inheritdoc cref="IIntakeGrain"/>
[StatelessWorker]
public sealed class IntakeGrain(IdAllocator ids, TimeProvider time, IOptions<IntakeOptions> options) : Grain, IIntakeGrain
{
    async Task<CaseRecord> IIntakeGrain.OpenCase(string wardId, CaseDetails details, DateTimeOffset? reportTime, CallContext call)
    {
        var id = await ids.AllocateAsync("case", options.Value.CaseIdPrefix, CaseScope(call.Actor.Principal), call.RequestId, Year(reportTime));
        return await GrainFactory.GetGrain<ICaseGrain>(id).Open(wardId, details, reportTime, call);
    }

    async Task<TaskRecord> IIntakeGrain.CreateTask(TaskSpec spec, CallContext call)
    {
        var id = await ids.AllocateAsync("task", options.Value.TaskIdPrefix, "task:" + call.Actor.Principal, call.RequestId, Year(null));
        return await GrainFactory.GetGrain<ITaskGrain>(id).Create(spec, call);
    }

    async Task<TaskRecord> IIntakeGrain.ReassignTask(string taskId, string assigneeAgencyId, DateTimeOffset? dueTime, string reason, CallContext call)
    {
        var id = await ids.AllocateAsync("task", options.Value.TaskIdPrefix, "task:" + call.Actor.Principal, call.RequestId, Year(null));
        return await GrainFactory.GetGrain<ITaskGrain>(taskId).Reassign(id, assigneeAgencyId, dueTime, reason, call);
    }

    /// <summary>The id-request scope of a principal's case creates (shared with <see cref="DuplicateStore"/>).</summary>
    public static string CaseScope(string principal) => "case:" + principal;

    private int Year(DateTimeOffset? at) => TimeZoneInfo.ConvertTime(at ?? time.GetUtcNow(), WorkingCalendar.VietnamTime).Year;
}
