namespace Coordination.Silo.Tasks;

/// <summary>When a task reached the points the reports count, read from its history.</summary>
public sealed record TaskMilestones(DateTimeOffset? AcceptedAt, DateTimeOffset? FinalAt, DateTimeOffset? ReviewedAt, string RejectReason)
{
    /// <summary>The milestones of <paramref name="r"/>: first acceptance, the final status, the review of the outcome.</summary>
    public static TaskMilestones Of(TaskRecord r)
    {
        DateTimeOffset? accepted = null, final = null, reviewed = null;
        var reason = "";
        foreach (var e in r.History)
        {
            if (e.Action == "ACCEPTED")
            {
                accepted ??= e.Time;
            }
            if (final is null && TaskStateMachine.IsFinal(e.Status))
            {
                final = e.Time;
            }
            else if (!TaskStateMachine.IsFinal(e.Status))
            {
                // An outcome sent back reopens the task: it is final again only when completed again.
                final = null;
            }
            if (e.Action == "OUTCOME_REVIEWED")
            {
                reviewed ??= e.Time;
            }
            if (e.Action == "REJECTED" && reason.Length == 0)
            {
                reason = e.Text;
            }
        }
        return new TaskMilestones(accepted, final, reviewed, reason);
    }
}
