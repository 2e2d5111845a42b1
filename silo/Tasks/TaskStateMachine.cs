namespace Coordination.Silo.Tasks;

/// <summary>
/// The HL7 FHIR Task state machine as the platform applies it: REQUESTED → RECEIVED →
/// ACCEPTED | REJECTED → IN_PROGRESS ⇄ ON_HOLD → COMPLETED | FAILED; CANCELLED from any open state.
/// Pure functions, so every state × action pair is tested without a cluster.
/// </summary>
public static class TaskStateMachine
{
    private static readonly TaskStatus[] Open =
        [TaskStatus.Requested, TaskStatus.Received, TaskStatus.Accepted, TaskStatus.InProgress, TaskStatus.OnHold];

    /// <summary>Whether the status is final (no further transition but review and comments).</summary>
    public static bool IsFinal(TaskStatus s) => s is TaskStatus.Rejected or TaskStatus.Completed or TaskStatus.Failed or TaskStatus.Cancelled;

    /// <summary>Whether the status is open (work may still happen).</summary>
    public static bool IsOpen(TaskStatus s) => Open.Contains(s);

    /// <summary>Who may take <paramref name="action"/>.</summary>
    public static TaskParty PartyFor(TaskAction action) => action switch
    {
        TaskAction.Cancel or TaskAction.Reassign or TaskAction.ReviewOutcome or TaskAction.SendBackOutcome => TaskParty.Assigner,
        TaskAction.Comment => TaskParty.Either,
        _ => TaskParty.Assignee,
    };

    /// <summary>Whether the action needs a reason (or text).</summary>
    public static bool NeedsReason(TaskAction action) =>
        action is TaskAction.Reject or TaskAction.Hold or TaskAction.Fail or TaskAction.Cancel or TaskAction.Reassign
            or TaskAction.ReportProgress or TaskAction.Comment or TaskAction.SendBackOutcome;

    /// <summary>
    /// The status after <paramref name="action"/> in <paramref name="from"/>, or null when the
    /// transition is illegal. Comment keeps the status; ReviewOutcome needs a completed or failed task
    /// (a failure report is an outcome too: the assigner acknowledges it, or reassigns the task).
    /// Only a completed outcome can be sent back (the agency works on and completes again); a
    /// failure is acknowledged or reassigned, never sent back: the agency already said it cannot.
    /// </summary>
    public static TaskStatus? Next(TaskStatus from, TaskAction action) => (from, action) switch
    {
        (TaskStatus.Requested, TaskAction.Receive) => TaskStatus.Received,
        (TaskStatus.Requested or TaskStatus.Received, TaskAction.Accept) => TaskStatus.Accepted,
        (TaskStatus.Requested or TaskStatus.Received, TaskAction.Reject) => TaskStatus.Rejected,
        (TaskStatus.Accepted or TaskStatus.OnHold, TaskAction.Start) => TaskStatus.InProgress,
        (TaskStatus.InProgress, TaskAction.Hold) => TaskStatus.OnHold,
        (TaskStatus.Accepted or TaskStatus.InProgress, TaskAction.ReportProgress) => TaskStatus.InProgress,
        (TaskStatus.OnHold, TaskAction.ReportProgress) => TaskStatus.OnHold,
        (TaskStatus.InProgress or TaskStatus.OnHold, TaskAction.Complete) => TaskStatus.Completed,
        (TaskStatus.Accepted or TaskStatus.InProgress or TaskStatus.OnHold, TaskAction.Fail) => TaskStatus.Failed,
        (_, TaskAction.Cancel) when IsOpen(from) => TaskStatus.Cancelled,
        // Reassigning closes this task: an open one is cancelled, a declined or failed one stays as it is.
        (_, TaskAction.Reassign) when IsOpen(from) => TaskStatus.Cancelled,
        (TaskStatus.Rejected or TaskStatus.Failed, TaskAction.Reassign) => from,
        (TaskStatus.Completed or TaskStatus.Failed, TaskAction.ReviewOutcome) => from,
        (TaskStatus.Completed, TaskAction.SendBackOutcome) => TaskStatus.InProgress,
        (_, TaskAction.Comment) when from != TaskStatus.Unspecified => from,
        _ => null,
    };
}
