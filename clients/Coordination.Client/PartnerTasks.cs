using Coordination.V1;

namespace Coordination.Client;

/// <summary>
/// What a partner agency does with the tasks addressed to it, one method per step. Each method
/// makes one request id and keeps it across retries, so a step is applied exactly once.
/// </summary>
public static class PartnerTasks
{
    /// <summary>Accepts a task.</summary>
    public static async Task<Coordination.V1.Task> AcceptAsync(this CoordinationClient c, string task, string note = "", CancellationToken ct = default) =>
        await c.Tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = task, Note = note, RequestId = CoordinationClient.NewRequestId() }, c.Call(ct));

    /// <summary>Declines a task, with the reason.</summary>
    public static async Task<Coordination.V1.Task> RejectAsync(this CoordinationClient c, string task, string reason, CancellationToken ct = default) =>
        await c.Tasks.RejectTaskAsync(new RejectTaskRequest { Name = task, Reason = reason, RequestId = CoordinationClient.NewRequestId() }, c.Call(ct));

    /// <summary>Declines a task with a reason code (text optional, required for OTHER).</summary>
    public static async Task<Coordination.V1.Task> RejectAsync(this CoordinationClient c, string task, TaskReasonCode code, string reason = "", CancellationToken ct = default) =>
        await c.Tasks.RejectTaskAsync(new RejectTaskRequest { Name = task, ReasonCode = code, Reason = reason, RequestId = CoordinationClient.NewRequestId() }, c.Call(ct));

    /// <summary>Reports that the task could not be done, with a reason code (text optional, required for OTHER).</summary>
    public static async Task<Coordination.V1.Task> FailAsync(this CoordinationClient c, string task, TaskReasonCode code, string reason = "", CancellationToken ct = default) =>
        await c.Tasks.FailTaskAsync(new FailTaskRequest { Name = task, ReasonCode = code, Reason = reason, RequestId = CoordinationClient.NewRequestId() }, c.Call(ct));

    /// <summary>Reports progress (starts an accepted task).</summary>
    public static async Task<Coordination.V1.Task> ReportProgressAsync(this CoordinationClient c, string task, string note, CancellationToken ct = default) =>
        await c.Tasks.ReportProgressAsync(new ReportProgressRequest { Name = task, Note = note, RequestId = CoordinationClient.NewRequestId() }, c.Call(ct));

    /// <summary>Completes a task with its outcome report (set its outcome code, and the agency's own reference if it has one).</summary>
    public static async Task<Coordination.V1.Task> CompleteAsync(this CoordinationClient c, string task, OutcomeReport outcome, CancellationToken ct = default) =>
        await c.Tasks.CompleteTaskAsync(new CompleteTaskRequest { Name = task, Outcome = outcome, RequestId = CoordinationClient.NewRequestId() }, c.Call(ct));
}
