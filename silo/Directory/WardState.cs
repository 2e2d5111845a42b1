namespace Coordination.Silo.Directory;

/// <summary>Persistent state of a ward grain.</summary>
[GenerateSerializer, Alias("coord.WardState")]
public sealed class WardState
{
    /// <summary>The ward; null until it is defined.</summary>
    [Id(0)]
    public WardRecord? Record { get; set; }

    /// <summary>Index of the ward's open cases.</summary>
    [Id(1)]
    public HashSet<string> OpenCaseIds { get; set; } = [];

    /// <summary>Index of the ward's open tasks.</summary>
    [Id(2)]
    public HashSet<string> OpenTaskIds { get; set; } = [];
}
