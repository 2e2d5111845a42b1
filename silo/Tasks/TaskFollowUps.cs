using Coordination.Silo.Calendar;
using Coordination.Silo.Feed;
using Coordination.Silo.Reminders;

namespace Coordination.Silo.Tasks;

/// <summary>When an open task's follow-ups fall due. Pure: the task grain schedules what it returns.</summary>
public static class TaskFollowUps
{
    /// <summary>
    /// DUE_SOON (if still ahead), OVERDUE at the due time, ESCALATED to the assigner's office some
    /// working days after, then to the Centre some more working days after (unless the Centre
    /// assigned it); for an emergency task not yet accepted, NOT_ACCEPTED after the allowed time.
    /// </summary>
    public static IReadOnlyList<ReminderItem> For(TaskRecord r, WorkingCalendar calendar, FollowUpOptions o, DateTimeOffset now)
    {
        var due = r.Spec.DueTime;
        var items = new List<ReminderItem>();
        var soon = calendar.AddWorkingDays(due, -o.DueSoonWorkingDays);
        if (soon > now)
        {
            items.Add(new(ReminderKind.TaskDueSoon, soon));
        }
        items.Add(new(ReminderKind.TaskOverdue, due));
        var escalated = calendar.AddWorkingDays(due, o.EscalateAfterWorkingDays);
        items.Add(new(ReminderKind.TaskEscalated, escalated));
        if (Inboxes.OfficeOf(r.Assigner) != Inboxes.Centre)
        {
            items.Add(new(ReminderKind.TaskEscalatedToCentre, calendar.AddWorkingDays(escalated, o.EscalateToCentreAfterWorkingDays)));
        }
        if (r.Spec.Kind == TaskKind.Emergency && r.Status is TaskStatus.Requested or TaskStatus.Received)
        {
            items.Add(new(ReminderKind.TaskNotAccepted, r.CreateTime + o.EmergencyAcceptWithin));
        }
        return items;
    }
}
