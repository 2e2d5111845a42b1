namespace Coordination.Silo.Common;

/// <summary>
/// Names of Orleans storage providers and persistent states. Every grain type has a state name of
/// its own: the ADO.NET storage keys rows by grain id and state name, so two grain types sharing a
/// key and a state name would overwrite each other.
/// </summary>
public static class StorageNames
{
    /// <summary>The one grain storage provider, backed by PostgreSQL.</summary>
    public const string Store = "coordination";

    /// <summary>State name of the ward grain.</summary>
    public const string WardState = "ward";

    /// <summary>State name of the cluster grain.</summary>
    public const string ClusterState = "cluster";

    /// <summary>State name of the agency grain.</summary>
    public const string AgencyState = "agency";

    /// <summary>State name of the case grain.</summary>
    public const string CaseState = "case";

    /// <summary>State name of the task grain.</summary>
    public const string TaskState = "task";

    /// <summary>State name of the conference grain.</summary>
    public const string ConferenceState = "conference";
}
