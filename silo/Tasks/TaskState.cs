using Coordination.Silo.Common;

namespace Coordination.Silo.Tasks;

/// <summary>Persistent state of a task grain.</summary>
[GenerateSerializer, Alias("coord.TaskState")]
public sealed class TaskState
{
    /// <summary>The task; null until created.</summary>
    [Id(0)]
    public TaskRecord? Record { get; set; }

    /// <summary>The request id that created it.</summary>
    [Id(1)]
    public string CreateRequestId { get; set; } = "";

    /// <summary>Request ids already applied.</summary>
    [Id(2)]
    public RecentRequests Requests { get; set; } = new();
}
