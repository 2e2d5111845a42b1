using System.Runtime.CompilerServices;
using Orleans;

[assembly: InternalsVisibleTo("Coordination.Silo")]

// The namespace predates this library: Actor moved here from silo/ so that token issuing needs no
// reference to the host or the grains. Keeping the namespace keeps every caller, the other branches
// and the stored grain state (alias coord.Actor) unchanged.
namespace Coordination.Silo.Common;

/// <summary>
/// Who is calling, as established by the host from the call's credentials (never from request
/// fields). <see cref="Scope"/> is the jurisdiction: <c>city</c>, <c>wards/{ward}</c> or
/// <c>agencies/{agency}</c>.
/// </summary>
[GenerateSerializer, Alias("coord.Actor")]
public sealed record Actor(string Principal, string DisplayName, string Role, string Scope)
{
    // Explicit properties with internal setters: the silo's generated serializer (another assembly,
    // see InternalsVisibleTo) cannot set init-only properties.

    /// <summary>The user or agency system, <c>users/{user}</c> or <c>agencies/{agency}</c>.</summary>
    [Id(0)]
    public string Principal { get; internal set; } = Principal;

    /// <summary>Name shown to people.</summary>
    [Id(1)]
    public string DisplayName { get; internal set; } = DisplayName;

    /// <summary>The role, e.g. WARD_OFFICER.</summary>
    [Id(2)]
    public string Role { get; internal set; } = Role;

    /// <summary>The jurisdiction: <c>city</c>, <c>wards/{ward}</c> or <c>agencies/{agency}</c>.</summary>
    [Id(3)]
    public string Scope { get; internal set; } = Scope;

    /// <summary>Role of the city Social Work Centre's coordinators.</summary>
    public const string CentreCoordinator = "CENTRE_COORDINATOR";
    /// <summary>Role of a ward People's Committee vice-chair.</summary>
    public const string WardViceChair = "WARD_VICE_CHAIR";
    /// <summary>Role of a ward child-protection officer.</summary>
    public const string WardOfficer = "WARD_OFFICER";
    /// <summary>Role of a person acting for an agency.</summary>
    public const string AgencyLiaison = "AGENCY_LIAISON";
    /// <summary>Role of a partner agency's system.</summary>
    public const string AgencySystem = "AGENCY_SYSTEM";
    /// <summary>Role of a read-only auditor.</summary>
    public const string Auditor = "AUDITOR";
    /// <summary>Role of a Centre case worker.</summary>
    public const string CaseWorker = "CASE_WORKER";
    /// <summary>Role of the platform itself (scheduled jobs, seeds).</summary>
    public const string System = "SYSTEM";

    /// <summary>The platform acting on its own (scheduled work).</summary>
    public static Actor Platform { get; } = new("system", "Hệ thống / Platform", System, "city");

    /// <summary>Whether this actor acts for <paramref name="agencyId"/>.</summary>
    public bool ActsFor(string agencyId) =>
        Role is AgencySystem or AgencyLiaison && Scope == "agencies/" + agencyId;

    /// <summary>Whether this actor holds the same office (same principal, or same role in the same jurisdiction).</summary>
    public bool SameOfficeAs(Actor other) =>
        Principal == other.Principal || (Role == other.Role && Scope == other.Scope);

    /// <summary>Whether this actor is the vice-chair of <paramref name="wardId"/>.</summary>
    public bool IsViceChairOf(string wardId) => Role == WardViceChair && Scope == "wards/" + wardId;
}
