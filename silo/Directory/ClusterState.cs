namespace Coordination.Silo.Directory;

/// <summary>Persistent state of a cluster grain.</summary>
[GenerateSerializer, Alias("coord.ClusterState")]
public sealed class ClusterState
{
    /// <summary>The cluster; null until it is defined.</summary>
    [Id(0)]
    public ClusterRecord? Record { get; set; }
}
