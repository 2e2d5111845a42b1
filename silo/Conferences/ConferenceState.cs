using Coordination.Silo.Common;

namespace Coordination.Silo.Conferences;

/// <summary>Persistent state of a conference grain.</summary>
[GenerateSerializer, Alias("coord.ConferenceState")]
public sealed class ConferenceState
{
    /// <summary>The conference; null until created.</summary>
    [Id(0)]
    public ConferenceRecord? Record { get; set; }

    /// <summary>The request id that created it (empty for regular ones, which the planner creates).</summary>
    [Id(1)]
    public string CreateRequestId { get; set; } = "";

    /// <summary>Request ids already applied.</summary>
    [Id(2)]
    public RecentRequests Requests { get; set; } = new();

    /// <summary>The latest notification; re-sent on activation until it is known to be in every feed.</summary>
    [Id(3)]
    public PendingNotice? Notice { get; set; }
}
