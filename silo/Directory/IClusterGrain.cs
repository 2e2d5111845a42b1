namespace Coordination.Silo.Directory;

/// <summary>A conference cluster of wards, keyed by its id (e.g. <c>hai-chau</c>).</summary>
[Alias("coord.IClusterGrain")]
public interface IClusterGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the cluster's profile; writes nothing when it is unchanged.</summary>
    [Alias("Define")]
    Task<ClusterRecord> Define(ClusterProfile profile);

    /// <summary>The cluster, or null when it is not in the directory.</summary>
    [Alias("Get")]
    Task<ClusterRecord?> Get();
}
