using Coordination.Silo.Common;

namespace Coordination.Silo.Cases;

/// <summary>Persistent state of a case grain.</summary>
[GenerateSerializer, Alias("coord.CaseState")]
public sealed class CaseState
{
    /// <summary>The case; null until opened.</summary>
    [Id(0)]
    public CaseRecord? Record { get; set; }

    /// <summary>The request id that opened it.</summary>
    [Id(1)]
    public string OpenRequestId { get; set; } = "";

    /// <summary>Request ids already applied.</summary>
    [Id(2)]
    public RecentRequests Requests { get; set; } = new();

    /// <summary>Append-only timeline of the case's own changes.</summary>
    [Id(3)]
    public List<TimelineEntry> Timeline { get; set; } = [];

    /// <summary>Tasks of the case that are still open.</summary>
    [Id(4)]
    public HashSet<string> OpenTaskIds { get; set; } = [];
}
