using Coordination.Silo.Common;

namespace Coordination.Api.Identity;

/// <summary>
/// Who may see and change what: role and jurisdiction checks made by every gRPC method before it
/// calls a grain. Refusals are PERMISSION_DENIED and never say whether the record exists; for
/// callers without city-wide sight a missing record is refused the same way.
/// </summary>
public static class Access
{
    private static readonly string[] CityReaders = [Actor.CentreCoordinator, Actor.CaseWorker, Actor.Auditor];
    private static readonly string[] CityWriters = [Actor.CentreCoordinator, Actor.CaseWorker];
    private static readonly string[] WardRoles = [Actor.WardViceChair, Actor.WardOfficer];
    private static readonly string[] AgencyRoles = [Actor.AgencySystem, Actor.AgencyLiaison];

    /// <summary>Whether the actor sees the whole city.</summary>
    public static bool SeesCity(Actor a) => CityReaders.Contains(a.Role);

    /// <summary>The ward the actor works for, or null.</summary>
    public static string? WardOf(Actor a) =>
        WardRoles.Contains(a.Role) && a.Scope.StartsWith("wards/", StringComparison.Ordinal) ? a.Scope["wards/".Length..] : null;

    /// <summary>The agency the actor acts for, or null.</summary>
    public static string? AgencyOf(Actor a) =>
        AgencyRoles.Contains(a.Role) && a.Scope.StartsWith("agencies/", StringComparison.Ordinal) ? a.Scope["agencies/".Length..] : null;

    /// <summary>Requires one of <paramref name="roles"/>.</summary>
    public static void RequireRole(Actor a, params string[] roles)
    {
        if (!roles.Contains(a.Role))
        {
            throw Denied();
        }
    }

    /// <summary>Requires a coordinator (directory administration).</summary>
    public static void RequireCoordinator(Actor a) => RequireRole(a, Actor.CentreCoordinator);

    /// <summary>Reading a ward's cases and summary: city readers, or the ward's own people.</summary>
    public static void RequireWardRead(Actor a, string wardId)
    {
        if (!SeesCity(a) && WardOf(a) != wardId)
        {
            throw Denied();
        }
    }

    /// <summary>Reading a case: city readers, the ward's own people, or an agency it was shared with.</summary>
    public static void RequireCaseRead(Actor a, string wardId, IReadOnlyList<string> sharedWith)
    {
        if (!SeesCity(a) && WardOf(a) != wardId && (AgencyOf(a) is not { } agency || !sharedWith.Contains(agency)))
        {
            throw Denied();
        }
    }

    /// <summary>Changing a ward's cases: city writers (not auditors), or the ward's own people.</summary>
    public static void RequireWardWrite(Actor a, string wardId)
    {
        if (!CityWriters.Contains(a.Role) && WardOf(a) != wardId)
        {
            throw Denied();
        }
    }

    /// <summary>Reading a task: city readers, the task's ward people, or the addressed agency.</summary>
    public static void RequireTaskRead(Actor a, string wardId, string assigneeAgencyId)
    {
        if (!SeesCity(a) && (wardId.Length == 0 || WardOf(a) != wardId) && AgencyOf(a) != assigneeAgencyId)
        {
            throw Denied();
        }
    }

    /// <summary>
    /// Reading a cluster's conferences: city readers, people of one of the cluster's wards, and
    /// agencies whose ward is in the cluster (<paramref name="callerClusterId"/>: the cluster of the
    /// caller's ward, or null).
    /// </summary>
    public static void RequireConferenceRead(Actor a, string clusterId, string? callerClusterId)
    {
        if (!SeesCity(a) && (callerClusterId is null || callerClusterId != clusterId))
        {
            throw Denied();
        }
    }

    /// <summary>
    /// Changing an agency's catalogue service: coordinators change anything; the agency itself (its
    /// system credential and liaisons) keeps the capacity of its own services current
    /// (<paramref name="agencyMayChange"/>: whether the request touches only those fields).
    /// </summary>
    public static void RequireServiceWrite(Actor a, string agencyId, bool agencyMayChange)
    {
        if (a.Role != Actor.CentreCoordinator && (!agencyMayChange || AgencyOf(a) != agencyId))
        {
            throw Denied();
        }
    }

    /// <summary>
    /// Reading a counselling session: city readers (coordinators, case workers, auditors), or the
    /// people of its ward. A Centre session with no ward (<paramref name="wardId"/> null) is the
    /// city's only. Agencies never: a session holds what a caller confided, not a referral.
    /// </summary>
    public static void RequireCounsellingRead(Actor a, string? wardId)
    {
        if (!SeesCity(a) && (wardId is null || WardOf(a) != wardId))
        {
            throw Denied();
        }
    }

    /// <summary>Recording or linking a counselling session: city writers anywhere, ward people in their ward.</summary>
    public static void RequireCounsellingWrite(Actor a, string? wardId)
    {
        if (!CityWriters.Contains(a.Role) && (wardId is null || WardOf(a) != wardId))
        {
            throw Denied();
        }
    }

    /// <summary>Any change at all: auditors are read-only.</summary>
    public static void RequireNotReadOnly(Actor a)
    {
        if (a.Role == Actor.Auditor)
        {
            throw Denied();
        }
    }

    /// <summary>The refusal, worded to reveal nothing about the record.</summary>
    public static PermissionDeniedException Denied() =>
        new("You may not do this, or there is no such record in your jurisdiction / bạn không có quyền thực hiện thao tác này.");
}
