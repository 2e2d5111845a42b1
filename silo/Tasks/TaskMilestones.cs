namespace Coordination.Silo.Tasks;

/// <summary>
/// When a task reached the points the reports count. Folded entry by entry (<see cref="With"/>), so the
/// grain keeps them in its state without keeping the history they come from.
/// </summary>
[GenerateSerializer, Immutable, Alias("coord.TaskMilestones")]
public sealed record TaskMilestones(
    [property: Id(0)] DateTimeOffset? AcceptedAt,
    [property: Id(1)] DateTimeOffset? FinalAt,
    [property: Id(2)] DateTimeOffset? ReviewedAt,
    [property: Id(3)] string RejectReason)
{
    /// <summary>The milestones of a task with no history yet.</summary>
    public static readonly TaskMilestones None = new(null, null, null, "");

    /// <summary>The milestones of <paramref name="r"/>: first acceptance, the final status, the review of the outcome.</summary>
    public static TaskMilestones Of(TaskRecord r) => r.History.Aggregate(None, (m, e) => m.With(e));

    /// <summary>The milestones after one more history entry.</summary>
    public TaskMilestones With(TaskEvent e) => new(
        e.Action == "ACCEPTED" ? AcceptedAt ?? e.Time : AcceptedAt,
        // An outcome sent back reopens the task: it is final again only when completed again.
        TaskStateMachine.IsFinal(e.Status) ? FinalAt ?? e.Time : null,
        e.Action == "OUTCOME_REVIEWED" ? ReviewedAt ?? e.Time : ReviewedAt,
        e.Action == "REJECTED" && RejectReason.Length == 0 ? e.Text : RejectReason);
}
