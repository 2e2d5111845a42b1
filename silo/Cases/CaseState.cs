using Coordination.Silo.Common;

namespace Coordination.Silo.Cases;

/// <summary>
/// Persistent state of a case grain. Bounded: the timeline lives in its own table
/// (<see cref="CaseTimelineStore"/>); the state keeps only the entries not yet known to be written
/// there (see <see cref="CaseTimeline"/>).
/// </summary>
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

    /// <summary>
    /// The tail of the timeline: entries not yet known to be in the timeline table, oldest first.
    /// States written before migration 0021 hold the whole timeline here.
    /// </summary>
    [Id(3)]
    public List<TimelineEntry> TimelineTail { get; set; } = [];

    /// <summary>Tasks of the case that are still open.</summary>
    [Id(4)]
    public HashSet<string> OpenTaskIds { get; set; } = [];

    /// <summary>How many entries the timeline has (the sequence of the latest); 0 in states written before migration 0021.</summary>
    [Id(5)]
    public long TimelineLength { get; set; }

    /// <summary>The case's step after the last entry before <see cref="TimelineTail"/> (unspecified when the tail starts at entry 1).</summary>
    [Id(6)]
    public CaseStep TailStep { get; set; }
}
