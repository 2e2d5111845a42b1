using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Coordination.Silo.Reports;

namespace Coordination.Api.Reports;

/// <summary>A report's scope: the city, a cluster, a ward, or an agency's tasks.</summary>
public sealed record ReportScope(string Name, string? ClusterId, string? WardId, string? AgencyId)
{
    /// <summary>Parses <paramref name="scope"/>; a bad one adds a violation and returns null.</summary>
    public static ReportScope? Parse(string scope, string field, List<FieldViolation> violations)
    {
        var s = scope.Trim();
        if (s == "city")
        {
            return new ReportScope("city", null, null, null);
        }
        foreach (var (prefix, make) in new (string, Func<string, ReportScope>)[]
            {
                ("clusters/", id => new ReportScope("clusters/" + id, id, null, null)),
                ("wards/", id => new ReportScope("wards/" + id, null, id, null)),
                ("agencies/", id => new ReportScope("agencies/" + id, null, null, id)),
            })
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal) && s.Length > prefix.Length && s.Length < 120 && !s[prefix.Length..].Contains('/'))
            {
                return make(s[prefix.Length..]);
            }
        }
        violations.Add(new FieldViolation(field, "city, clusters/{cluster}, wards/{ward} or agencies/{agency} / phạm vi không hợp lệ."));
        return null;
    }

    /// <summary>
    /// Statistics: coordinators, case workers and auditors any scope; ward people their own ward;
    /// an agency (system or liaison) its own tasks.
    /// </summary>
    public void Authorize(Actor caller)
    {
        if (Access.SeesCity(caller)
            || (WardId is not null && Access.WardOf(caller) == WardId)
            || (AgencyId is not null && Access.AgencyOf(caller) == AgencyId))
        {
            return;
        }
        throw Access.Denied();
    }

    /// <summary>Case exports: coordinators any scope but an agency's; a ward's own people their ward. Agencies never.</summary>
    public void AuthorizeCaseExport(Actor caller)
    {
        if (AgencyId is null && (caller.Role == Actor.CentreCoordinator || (WardId is not null && Access.WardOf(caller) == WardId)))
        {
            return;
        }
        throw Access.Denied();
    }

    /// <summary>The scope's name, or null when it names nothing in the directory.</summary>
    public string? DisplayName(DirectoryNames names) =>
        WardId is not null ? names.Wards.GetValueOrDefault(WardId)
        : ClusterId is not null ? names.Clusters.GetValueOrDefault(ClusterId)
        : AgencyId is not null ? (names.Agencies.TryGetValue(AgencyId, out var a) ? a.Name : null)
        : "Toàn thành phố";
}
