using System.Globalization;
using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Coordination.Silo.Intake;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.Api.Grpc;

/// <summary>
/// Duplicate candidates as a caller may see them. A case in a ward the caller may not read shows
/// only its ward — no case id, no name, no score or reasons — and several such matches in one ward
/// show as one: the case id is a handle to a child's record in another jurisdiction, and what
/// matched (the phone, say) would confirm details of it. The caller asks that ward's office, which
/// can search its own cases.
/// </summary>
public static class DuplicateMapping
{
    /// <summary>The candidates, narrowed for <paramref name="caller"/>, best first.</summary>
    public static IReadOnlyList<PossibleDuplicate> ForCaller(IReadOnlyList<DuplicateCandidate> found, Actor caller)
    {
        var shown = new List<PossibleDuplicate>();
        foreach (var c in found)
        {
            var ward = "wards/" + c.Case.WardId;
            if (Access.SeesCity(caller) || Access.WardOf(caller) == c.Case.WardId)
            {
                var m = new PossibleDuplicate
                {
                    Case = "cases/" + c.Case.Id, PersonDisplayName = c.Case.Details.Person.DisplayName, Ward = ward,
                    WardDisplayName = c.WardDisplayName, Score = c.Score.Score, Strong = c.Score.Strong,
                    Step = (Coordination.V1.CaseStep)(int)c.Case.Step, ReportTime = Timestamp.FromDateTimeOffset(c.Case.ReportTime),
                };
                m.Reasons.AddRange(c.Score.Reasons.Select(r => (DuplicateMatchReason)(int)r));
                shown.Add(m);
                continue;
            }
            if (shown.FirstOrDefault(s => s.Restricted && s.Ward == ward) is { } same)
            {
                same.Strong |= c.Score.Strong;
                continue;
            }
            shown.Add(new PossibleDuplicate { Ward = ward, WardDisplayName = c.WardDisplayName, Strong = c.Score.Strong, Restricted = true });
        }
        return shown;
    }

    /// <summary>The strong candidates not named in <paramref name="acknowledged"/>, as the refusal lists them.</summary>
    public static IReadOnlyList<DuplicateNotice> Unacknowledged(IReadOnlyList<PossibleDuplicate> shown, IReadOnlyCollection<string> acknowledged) =>
        [.. shown.Where(s => s.Strong && !acknowledged.Contains(Subject(s))).Select(s => new DuplicateNotice(Subject(s), Describe(s)))];

    /// <summary>What acknowledges a candidate: its case, or (restricted) its ward.</summary>
    public static string Subject(PossibleDuplicate s) => s.Restricted ? s.Ward : s.Case;

    private static string Describe(PossibleDuplicate s)
    {
        if (s.Restricted)
        {
            return $"A possible match in another ward's records; ask the office of {s.WardDisplayName} / " +
                $"có thể trùng với một hồ sơ của {s.WardDisplayName}; hãy hỏi bộ phận phụ trách của phường đó.";
        }
        var reasons = string.Join(", ", s.Reasons.Select(r => r.ToString().ToLowerInvariant()));
        var score = s.Score.ToString("0.00", CultureInfo.InvariantCulture);
        return $"{s.PersonDisplayName} ({s.WardDisplayName}), score {score}: {reasons} / trùng {score}: {Vietnamese(s.Reasons)}.";
    }

    private static string Vietnamese(IEnumerable<DuplicateMatchReason> reasons) => string.Join(", ", reasons.Select(r => r switch
    {
        DuplicateMatchReason.Name => "họ tên",
        DuplicateMatchReason.Age => "tuổi",
        DuplicateMatchReason.Ward => "phường",
        DuplicateMatchReason.Phone => "số điện thoại",
        _ => "khác",
    }));
}
