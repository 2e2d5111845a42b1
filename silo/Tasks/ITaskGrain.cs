using Coordination.Silo.Common;

namespace Coordination.Silo.Tasks;

/// <summary>One inter-agency task, keyed by its id (e.g. <c>T-2026-000045</c>).</summary>
[Alias("coord.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the task. Validates the assignee and, for case tasks, that the case is open.
    /// A retry with the same request id returns the task as created.
    /// </summary>
    [Alias("Create")]
    Task<TaskRecord> Create(TaskSpec spec, CallContext call);

    /// <summary>
    /// Applies a transition (or progress, comment, review). Illegal transitions throw
    /// FailedPreconditionException naming the current status; a retried request changes nothing.
    /// </summary>
    [Alias("Apply")]
    Task<TaskRecord> Apply(TaskStep step, CallContext call);

    /// <summary>
    /// Sends the task to another agency: creates <paramref name="newTaskId"/> for
    /// <paramref name="assigneeAgencyId"/> and closes this one, linking both.
    /// Returns the new task.
    /// </summary>
    [Alias("Reassign")]
    Task<TaskRecord> Reassign(string newTaskId, string assigneeAgencyId, DateTimeOffset? dueTime, string reason, CallContext call);

    /// <summary>Cancels the task on behalf of the case it belongs to (case closing); no-op when final.</summary>
    [Alias("CancelForCase")]
    Task<TaskRecord?> CancelForCase(string reason, CallContext call);

    /// <summary>
    /// A follow-up fell due: tell whoever must know (the agency, the assigner's office, the Centre)
    /// through their feeds, once per reminder key. Returns false when it no longer applies (the
    /// task closed, or an emergency task was accepted in time).
    /// </summary>
    [Alias("Remind")]
    Task<bool> Remind(Reminders.ReminderKind kind, DateTimeOffset dueAt);

    /// <summary>
    /// The consent behind the task was withdrawn: from now on the agency sees only the task and the
    /// case summary, and its feed gets a TASK_UPDATED event saying why (no-op when already limited).
    /// </summary>
    [Alias("LimitForConsent")]
    Task<TaskRecord?> LimitForConsent(string text, CallContext call);

    /// <summary>The task, or null when it does not exist. Its history holds only the latest entry.</summary>
    [Alias("Get")]
    Task<TaskRecord?> Get();

    /// <summary>
    /// The task with its whole history, oldest first (read from the task store); null if it does not
    /// exist. <see cref="Get"/> and the answers of changes carry only the latest history entry.
    /// </summary>
    [Alias("GetWithHistory")]
    Task<TaskRecord?> GetWithHistory();
}
