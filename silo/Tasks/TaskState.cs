using Coordination.Silo.Common;

namespace Coordination.Silo.Tasks;

/// <summary>
/// Persistent state of a task grain (<see cref="TaskStore"/>). Bounded: the record's
/// <see cref="TaskRecord.History"/> holds only the latest entry; the whole history is in the store.
/// </summary>
[GenerateSerializer, Alias("coord.TaskState")]
public sealed class TaskState
{
    /// <summary>The task; null until created. Its history holds only the latest entry.</summary>
    [Id(0)]
    public TaskRecord? Record { get; set; }

    /// <summary>The request id that created it.</summary>
    [Id(1)]
    public string CreateRequestId { get; set; } = "";

    /// <summary>Request ids already applied.</summary>
    [Id(2)]
    public RecentRequests Requests { get; set; } = new();

    /// <summary>How many history entries the task has (the number of the latest one).</summary>
    [Id(3)]
    public long HistoryLength { get; set; }

    /// <summary>The milestones of the whole history, for the read-model row.</summary>
    [Id(4)]
    public TaskMilestones Milestones { get; set; } = TaskMilestones.None;
}
