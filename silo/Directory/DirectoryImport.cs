using System.Text;
using System.Text.RegularExpressions;

namespace Coordination.Silo.Directory;

/// <summary>One row of a directory import, as the file said it (text NFC-normalised and trimmed).</summary>
public sealed record ImportRow(
    int Line, string Type, string Id, string DisplayName, string Parent, string Kind, string Province, string AdministrativeCode,
    string Phone, string Email, string ParentOrganization, string Address);

/// <summary>A change an import makes: the resource, "CREATE" or "UPDATE", and the line that asked for it.</summary>
public sealed record ImportChange(int Line, string Resource, string Action);

/// <summary>What an import will do: errors (then nothing is done), or the profiles to define.</summary>
public sealed record ImportPlan(
    IReadOnlyList<(int Line, string Field, string Message)> Errors,
    IReadOnlyList<ImportChange> Changes,
    int Unchanged,
    IReadOnlyDictionary<string, ClusterProfile> Clusters,
    IReadOnlyDictionary<string, WardProfile> Wards,
    IReadOnlyDictionary<string, AgencyProfile> Agencies);

/// <summary>
/// Plans a directory import from a spreadsheet: checks every row against the others and the
/// directory, and works out the profiles to define. Pure, so every rule is tested without a
/// cluster; applying the plan is a series of idempotent Define calls.
/// </summary>
public static partial class DirectoryImport
{
    /// <summary>Plans <paramref name="rows"/> against the current records (null when absent).</summary>
    public static ImportPlan Plan(
        IReadOnlyList<ImportRow> rows,
        Func<string, ClusterRecord?> cluster, Func<string, WardRecord?> ward, Func<string, AgencyRecord?> agency)
    {
        var errors = new List<(int, string, string)>();
        void Error(ImportRow r, string field, string message) => errors.Add((r.Line, field, message));
        var seen = new Dictionary<string, int>();
        foreach (var r in rows)
        {
            if (r.Type is not ("cluster" or "ward" or "agency" or "person"))
            {
                Error(r, "type", "Must be cluster, ward, agency or person / loại dòng không hợp lệ.");
                continue;
            }
            if (r.Type == "person" ? !UserId().IsMatch(r.Id) : !Id().IsMatch(r.Id))
            {
                Error(r, "id", r.Type == "person"
                    ? "A person's id is users/{id}: lowercase letters, digits and dashes / mã người dùng không hợp lệ."
                    : "Lowercase letters, digits and dashes, 1–63 characters / mã không hợp lệ.");
            }
            if (r.DisplayName.Length == 0)
            {
                Error(r, "display_name", "Required / cần tên.");
            }
            if (!seen.TryAdd(r.Type + ":" + r.Id, r.Line))
            {
                Error(r, "id", $"Already on line {seen[r.Type + ":" + r.Id]} / trùng với dòng {seen[r.Type + ":" + r.Id]}.");
            }
        }
        var fileClusters = rows.Where(r => r.Type == "cluster").GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        var fileWards = rows.Where(r => r.Type == "ward").GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        bool ClusterExists(string id) => fileClusters.ContainsKey(id) || cluster(id) is not null;
        bool WardExists(string id) => fileWards.ContainsKey(id) || ward(id) is not null;
        foreach (var r in rows)
        {
            switch (r.Type)
            {
                case "ward" when r.Parent.Length == 0 || !ClusterExists(r.Parent):
                    Error(r, "parent", r.Parent.Length == 0 ? "A ward's cluster is required / cần cụm." : $"No cluster {r.Parent} in the file or the directory / không có cụm {r.Parent}.");
                    break;
                case "agency" when !Enum.TryParse<AgencyKind>(r.Kind.Replace("_", "", StringComparison.Ordinal), true, out var k) || k == AgencyKind.Unspecified:
                    Error(r, "kind", "An agency kind such as POLICE, JUSTICE, HEALTH, WOMENS_UNION, EDUCATION / loại cơ quan không hợp lệ.");
                    break;
                case "agency" when r.Parent.Length > 0 && !WardExists(r.Parent):
                    Error(r, "parent", $"No ward {r.Parent} in the file or the directory / không có phường {r.Parent}.");
                    break;
                case "person" when r.Kind is not ("WARD_VICE_CHAIR" or "WARD_OFFICER"):
                    Error(r, "kind", "WARD_VICE_CHAIR or WARD_OFFICER / vai trò không hợp lệ.");
                    break;
                case "person" when r.Parent.Length == 0 || !WardExists(r.Parent):
                    Error(r, "parent", $"No ward {r.Parent} in the file or the directory / không có phường {r.Parent}.");
                    break;
            }
        }
        foreach (var g in rows.Where(r => r.Type == "person" && r.Kind == "WARD_VICE_CHAIR").GroupBy(r => r.Parent).Where(g => g.Count() > 1))
        {
            foreach (var r in g.Skip(1))
            {
                Error(r, "kind", $"Ward {g.Key} already has a vice-chair on line {g.First().Line} / phường đã có phó chủ tịch.");
            }
        }
        if (errors.Count > 0)
        {
            return new ImportPlan(errors, [], 0, new Dictionary<string, ClusterProfile>(), new Dictionary<string, WardProfile>(), new Dictionary<string, AgencyProfile>());
        }

        var changes = new List<ImportChange>();
        var unchanged = 0;
        void Count(int line, string resource, bool exists, bool same)
        {
            if (same)
            {
                unchanged++;
            }
            else
            {
                changes.Add(new ImportChange(line, resource, exists ? "UPDATE" : "CREATE"));
            }
        }

        var agencies = new Dictionary<string, AgencyProfile>();
        foreach (var r in rows.Where(r => r.Type == "agency"))
        {
            var current = agency(r.Id);
            var kind = Enum.Parse<AgencyKind>(r.Kind.Replace("_", "", StringComparison.Ordinal), true);
            var profile = new AgencyProfile(r.DisplayName, kind, r.Parent,
                r.ParentOrganization.Length > 0 ? r.ParentOrganization : current?.Profile.ParentOrganization ?? "",
                current?.Profile.Services ?? [], current?.Profile.Contacts ?? [],
                r.Address.Length > 0 ? r.Address : current?.Profile.Address ?? "");
            Count(r.Line, "agencies/" + r.Id, current is not null, current is not null && current.Profile.SameAs(profile));
            agencies[r.Id] = profile;
        }

        var wards = new Dictionary<string, WardProfile>();
        var people = rows.Where(r => r.Type == "person").ToList();
        var wardIds = fileWards.Keys.Concat(people.Select(p => p.Parent)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in wardIds)
        {
            var current = ward(id)?.Profile;
            var row = fileWards.GetValueOrDefault(id);
            var viceChair = people.FirstOrDefault(p => p.Parent == id && p.Kind == "WARD_VICE_CHAIR");
            var officers = people.Where(p => p.Parent == id && p.Kind == "WARD_OFFICER").ToList();
            var committee = rows.FirstOrDefault(a => a.Type == "agency" && a.Parent == id && agencies[a.Id].Kind == AgencyKind.PeoplesCommittee)?.Id;
            var profile = new WardProfile(
                row?.DisplayName ?? current!.DisplayName,
                row is not null && row.AdministrativeCode.Length > 0 ? row.AdministrativeCode : current?.AdministrativeCode ?? "",
                row is not null && row.Province.Length > 0 ? row.Province : current?.Province ?? "",
                row?.Parent ?? current!.ClusterId,
                committee ?? current?.PeoplesCommitteeAgencyId ?? "",
                viceChair is not null ? Staff(viceChair, StaffRole.WardViceChair) : current?.ViceChair,
                officers.Count > 0 ? [.. officers.Select(o => Staff(o, StaffRole.WardOfficer))] : current?.ChildProtectionOfficers ?? []);
            var line = row?.Line ?? people.First(p => p.Parent == id).Line;
            Count(line, "wards/" + id, current is not null, current is not null && current.SameAs(profile));
            wards[id] = profile;
        }

        // A cluster lists its wards: those it had, plus the file's wards placed in it, minus the
        // file's wards placed elsewhere.
        var clusters = new Dictionary<string, ClusterProfile>();
        var touched = fileClusters.Keys.Concat(fileWards.Values.Select(w => w.Parent))
            .Concat(fileWards.Keys.Select(w => ward(w)?.Profile.ClusterId ?? "").Where(c => c.Length > 0))
            .Distinct(StringComparer.Ordinal);
        foreach (var id in touched)
        {
            var current = cluster(id)?.Profile;
            var members = (current?.WardIds ?? [])
                .Where(w => !fileWards.TryGetValue(w, out var moved) || moved.Parent == id)
                .Concat(fileWards.Values.Where(w => w.Parent == id).Select(w => w.Id))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var profile = new ClusterProfile(fileClusters.GetValueOrDefault(id)?.DisplayName ?? current?.DisplayName ?? id, members);
            var line = fileClusters.GetValueOrDefault(id)?.Line ?? fileWards.Values.FirstOrDefault(w => w.Parent == id)?.Line ?? 0;
            Count(line, "clusters/" + id, current is not null, current is not null && current.SameAs(profile));
            clusters[id] = profile;
        }
        return new ImportPlan([], [.. changes.OrderBy(c => c.Line)], unchanged, clusters, wards, agencies);
    }

    private static StaffMember Staff(ImportRow r, StaffRole role) => new(r.Id["users/".Length..], r.DisplayName, role, r.Phone, r.Email);

    /// <summary>NFC-normalised, trimmed text (Vietnamese from spreadsheets often comes decomposed).</summary>
    public static string Clean(string? text) => (text ?? "").Trim().Normalize(NormalizationForm.FormC);

    /// <summary>Whether <paramref name="id"/> is a valid cluster, ward or agency id (lowercase letters, digits, dashes).</summary>
    public static bool IsId(string id) => Id().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Id();

    [GeneratedRegex("^users/[a-z0-9][a-z0-9.-]{0,62}$")]
    private static partial Regex UserId();
}
