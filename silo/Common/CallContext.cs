namespace Coordination.Silo.Common;

/// <summary>The call a grain method serves: who, and through which contract method.</summary>
[GenerateSerializer, Alias("coord.CallContext")]
public sealed record CallContext(
    [property: Id(0)] Actor Actor,
    [property: Id(1)] string Method,
    [property: Id(2)] string RequestId);
