using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Tasks;

namespace Coordination.Silo.Intake;

/// <summary>
/// Creates cases and tasks under server-assigned, human-readable ids. Stateless: the id for each
/// (caller, request id) is kept in PostgreSQL, so a retry reaches the same case or task.
/// </summary>
[Alias("coord.IIntakeGrain")]
public interface IIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Opens a case in <paramref name="wardId"/>.</summary>
    [Alias("OpenCase")]
    Task<CaseRecord> OpenCase(string wardId, CaseDetails details, DateTimeOffset? reportTime, CallContext call);

    /// <summary>Creates a task.</summary>
    [Alias("CreateTask")]
    Task<TaskRecord> CreateTask(TaskSpec spec, CallContext call);

    /// <summary>Replaces <paramref name="taskId"/> by a new task for another agency; returns the new task.</summary>
    [Alias("ReassignTask")]
    Task<TaskRecord> ReassignTask(string taskId, string assigneeAgencyId, DateTimeOffset? dueTime, string reason, CallContext call);
}
