using Coordination.Silo.Common;

namespace Coordination.Silo.Directory;

/// <summary>Persistent state of an agency grain.</summary>
[GenerateSerializer, Alias("coord.AgencyState")]
public sealed class AgencyState
{
    /// <summary>The directory entry; null until the agency is created.</summary>
    [Id(0)]
    public AgencyRecord? Record { get; set; }

    /// <summary>The request id that created the agency (empty when the seed defined it).</summary>
    [Id(1)]
    public string CreateRequestId { get; set; } = "";

    /// <summary>Request ids already applied, for safe retries.</summary>
    [Id(2)]
    public RecentRequests Requests { get; set; } = new();

    // Id 3 held an index of the agency's open tasks: never reuse it (see WardState).

    /// <summary>The agency's service catalogue, by service id.</summary>
    [Id(4)]
    public Dictionary<string, ServiceRecord> Services { get; set; } = [];

    /// <summary>The request id that created each service (absent when the seed defined it).</summary>
    [Id(5)]
    public Dictionary<string, string> ServiceCreateRequests { get; set; } = [];
}
