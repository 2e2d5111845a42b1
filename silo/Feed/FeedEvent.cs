using Coordination.Silo.Tasks;

namespace Coordination.Silo.Feed;

/// <summary>Event types of a partner feed. Numbers match the contract.</summary>
public enum FeedEventType
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>A task was addressed to the agency.</summary>
    TaskAssigned = 1,
    /// <summary>The assigner changed or reviewed the task.</summary>
    TaskUpdated = 2,
    /// <summary>The task was cancelled or reassigned elsewhere.</summary>
    TaskCancelled = 3,
    /// <summary>Someone other than the agency commented.</summary>
    CommentAdded = 4,
    /// <summary>Due soon.</summary>
    DueSoon = 5,
    /// <summary>Overdue.</summary>
    Overdue = 6,
    /// <summary>Escalated.</summary>
    Escalated = 7,
}

/// <summary>One stored event of an agency's feed.</summary>
public sealed record FeedEvent(Guid Id, long Sequence, FeedEventType Type, DateTimeOffset Time, TaskRecord Task, string Detail);

/// <summary>Which feed event, if any, a task's latest change means for its agency.</summary>
public static class FeedEvents
{
    /// <summary>
    /// The event for the task's latest history entry: assignment, cancellation, a review or a
    /// comment by someone other than the agency. The agency's own steps produce none.
    /// </summary>
    public static (FeedEventType Type, string Detail)? For(TaskRecord task)
    {
        var last = task.History[^1];
        var byAgency = last.Actor.ActsFor(task.Spec.AssigneeAgencyId);
        return last.Action switch
        {
            "CREATED" => (FeedEventType.TaskAssigned, task.Spec.Instructions),
            "CANCELLED" or "CANCELLED_WITH_CASE" => (FeedEventType.TaskCancelled, last.Text),
            "REASSIGNED" when task.Status == Tasks.TaskStatus.Cancelled => (FeedEventType.TaskCancelled, last.Text),
            "OUTCOME_REVIEWED" => (FeedEventType.TaskUpdated, last.Text),
            "COMMENT" when !byAgency => (FeedEventType.CommentAdded, last.Text),
            _ => null,
        };
    }
}
