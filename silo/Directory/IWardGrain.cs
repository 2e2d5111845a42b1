namespace Coordination.Silo.Directory;

/// <summary>A ward, keyed by its id (e.g. <c>hai-chau-1</c>).</summary>
[Alias("coord.IWardGrain")]
public interface IWardGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the ward's profile; writes nothing when it is unchanged.</summary>
    [Alias("Define")]
    Task<WardRecord> Define(WardProfile profile);

    /// <summary>The ward, or null when it is not in the directory.</summary>
    [Alias("Get")]
    Task<WardRecord?> Get();
}
