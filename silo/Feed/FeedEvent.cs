using Coordination.Silo.Common;
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
    /// <summary>A case conference concerning the agency (its document is an <see cref="InboxItem"/>).</summary>
    Conference = 8,
}

/// <summary>What an inbox event is about. Numbers match the contract (InboxEventType).</summary>
public enum InboxEventType
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>A task is late and was escalated to this office.</summary>
    TaskEscalated = 1,
    /// <summary>An emergency task was not accepted in time.</summary>
    TaskNotAccepted = 2,
    /// <summary>A case deadline is near.</summary>
    CaseDeadlineDueSoon = 3,
    /// <summary>A case deadline has passed.</summary>
    CaseDeadlineOverdue = 4,
    /// <summary>A case deadline passed some time ago and was escalated to this office.</summary>
    CaseDeadlineEscalated = 5,
    /// <summary>A periodic review of a case is due (monthly, or the 6-month review).</summary>
    CaseReviewDue = 6,
    /// <summary>A case conference was scheduled.</summary>
    ConferenceScheduled = 7,
    /// <summary>A case conference's agenda is ready.</summary>
    ConferenceAgendaReady = 8,
    /// <summary>A case conference was moved.</summary>
    ConferenceRescheduled = 9,
    /// <summary>A case was assessed at serious risk: the 12-hour emergency clock runs.</summary>
    CaseEmergency = 10,
    /// <summary>An agency rejected a task this office assigned.</summary>
    TaskRejected = 11,
    /// <summary>An agency completed or failed a task this office assigned: its outcome waits for review.</summary>
    TaskOutcomeReported = 12,
    /// <summary>A support plan was proposed and waits for the ward's approval.</summary>
    PlanProposed = 13,
}

/// <summary>What an inbox event refers to (ids, not resource names; empty when not applicable).</summary>
public sealed record InboxItem(string TaskId, string CaseId, string ConferenceId, string Title, string Detail);

/// <summary>Names of inboxes in the feed tables.</summary>
public static class Inboxes
{
    /// <summary>The Social Work Centre's coordinators (a colon: never an agency id).</summary>
    public const string Centre = "inbox:centre";

    /// <summary>A ward office: its vice-chair and officers.</summary>
    public static string Ward(string wardId) => "ward:" + wardId;

    /// <summary>An agency's feed (the partner inbox).</summary>
    public static string Agency(string agencyId) => agencyId;

    /// <summary>
    /// The inbox of the office <paramref name="actor"/> works in: a ward person's ward office, or
    /// the Centre for everyone else (city roles, and anyone without a ward).
    /// </summary>
    public static string OfficeOf(Actor actor) =>
        actor.Role is Actor.WardViceChair or Actor.WardOfficer && actor.Scope.StartsWith("wards/", StringComparison.Ordinal)
            ? Ward(actor.Scope["wards/".Length..])
            : Centre;
}

/// <summary>
/// One stored event of a feed: for task events <see cref="Task"/> holds the task as it was; for
/// notices <see cref="Item"/> says what it refers to. <see cref="Type"/> is a
/// <see cref="FeedEventType"/> in an agency's feed and an <see cref="InboxEventType"/> in an inbox.
/// </summary>
public sealed record FeedEvent(Guid Id, long Sequence, int Type, DateTimeOffset Time, TaskRecord? Task, string Detail, InboxItem? Item);

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
            "OUTCOME_SENT_BACK" => (FeedEventType.TaskUpdated, "Kết quả bị gửi lại / outcome sent back: " + last.Text),
            "CONSENT_WITHDRAWN" => (FeedEventType.TaskUpdated, last.Text),
            "COMMENT" when !byAgency => (FeedEventType.CommentAdded, last.Text),
            _ => null,
        };
    }

    /// <summary>
    /// The notice the task's latest change means for the assigner's office: the agency rejected it,
    /// or reported an outcome (completed or failed) that waits for review. None for other changes.
    /// </summary>
    public static (InboxEventType Type, string Title, string Detail)? ForAssigner(TaskRecord task)
    {
        var last = task.History[^1];
        var agency = "agencies/" + task.Spec.AssigneeAgencyId;
        return last.Action switch
        {
            "REJECTED" => (InboxEventType.TaskRejected,
                $"Nhiệm vụ bị từ chối: {task.Spec.Title} / task rejected",
                $"{agency} — lý do / reason: {last.Text}"),
            "COMPLETED" => (InboxEventType.TaskOutcomeReported,
                $"Đã báo cáo kết quả, chờ xem xét: {task.Spec.Title} / outcome reported, awaiting review",
                $"{agency} — kết quả / result: {last.Text}"),
            "FAILED" => (InboxEventType.TaskOutcomeReported,
                $"Không thực hiện được: {task.Spec.Title} / task failed, awaiting review",
                $"{agency} — lý do / reason: {last.Text}"),
            _ => null,
        };
    }
}
