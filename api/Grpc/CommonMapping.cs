using Google.Protobuf.WellKnownTypes;
using Domain = Coordination.Silo.Common;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Mapping of the small shared types.</summary>
public static class CommonMapping
{
    /// <summary>Actor → message.</summary>
    public static V1.Actor ToMessage(this Domain.Actor a) => new() { Principal = a.Principal, DisplayName = a.DisplayName, Role = a.Role };

    /// <summary>Optional instant → optional timestamp.</summary>
    public static Timestamp? ToTimestamp(this DateTimeOffset? t) => t is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    /// <summary>Instant → timestamp.</summary>
    public static Timestamp ToTimestamp(this DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    /// <summary>Resource name for an id, or empty for an empty id.</summary>
    public static string Named(string collection, string id) => id.Length == 0 ? "" : collection + "/" + id;
}
