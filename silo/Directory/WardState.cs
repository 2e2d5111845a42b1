namespace Coordination.Silo.Directory;

/// <summary>Persistent state of a ward grain.</summary>
[GenerateSerializer, Alias("coord.WardState")]
public sealed class WardState
{
    /// <summary>The ward; null until it is defined.</summary>
    [Id(0)]
    public WardRecord? Record { get; set; }

    // Ids 1 and 2 held indexes of the ward's open cases and tasks: never reuse them. Those lists
    // are read-model queries now (a whole-set write per task did not scale).
}
