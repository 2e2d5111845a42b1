using Coordination.Silo.Common;

namespace Coordination.Silo.Conferences;

/// <summary>How much of one case on a conference a caller may see.</summary>
public enum CaseSight
{
    /// <summary>Nothing: the case's agenda item and discussion are left out.</summary>
    None = 0,

    /// <summary>What the meeting needs: case id, ward, step, the agenda reasons and counts; no free text, no names.</summary>
    Outline = 1,

    /// <summary>Everything recorded.</summary>
    Full = 2,
}

/// <summary>
/// Need to know in the content of a conference (pure; tested without a host). Coordinators, case
/// workers and auditors see the record as stored. Ward people see their ward's cases in full and
/// the cluster's other cases in outline. Agencies (systems and liaisons) see the time and place,
/// their own attendance row (their invitation), and in full only the cases on which they hold a
/// task or a share. The minutes are rendered from the projected record, so they say no more.
/// </summary>
public static class ConferenceView
{
    /// <summary>
    /// The conference as a caller sees it: <paramref name="sight"/> says, per case id, how much
    /// (a case it does not list is <see cref="CaseSight.None"/>); <paramref name="ownParticipant"/>,
    /// when not null, keeps only that participant's attendance row (an agency: <c>agencies/{id}</c>).
    /// </summary>
    public static ConferenceRecord Project(ConferenceRecord r, IReadOnlyDictionary<string, CaseSight> sight, string? ownParticipant)
    {
        CaseSight Of(string caseId) => sight.TryGetValue(caseId, out var s) ? s : CaseSight.None;
        var agenda = r.Agenda
            .Where(a => Of(a.CaseId) != CaseSight.None)
            .Select(a => Of(a.CaseId) == CaseSight.Full ? a : a with { Summary = StepOnly(a.Summary) })
            .ToArray();
        var discussions = r.Discussions
            .Where(d => Of(d.CaseId) != CaseSight.None)
            .Select(d => Of(d.CaseId) == CaseSight.Full ? d : Outline(d))
            .ToArray();
        var attendance = ownParticipant is null ? r.Attendance : r.Attendance.Where(a => a.Participant == ownParticipant).ToArray();
        return r with { Agenda = agenda, Discussions = discussions, Attendance = attendance };
    }

    /// <summary>The ids of every case the conference mentions (agenda and discussions).</summary>
    public static IReadOnlyList<string> CaseIds(ConferenceRecord r) =>
        r.Agenda.Select(a => a.CaseId).Concat(r.Discussions.Select(d => d.CaseId)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The step part of an agenda summary (<see cref="AgendaRules.Summary"/> puts it first, before
    /// "; "): risk, months open and the flag reason (free text) are dropped.
    /// </summary>
    public static string StepOnly(string summary)
    {
        var cut = summary.IndexOf(';', StringComparison.Ordinal);
        var first = cut < 0 ? summary : summary[..cut];
        return first.StartsWith("Bước / step: ", StringComparison.Ordinal) ? first : "";
    }

    /// <summary>A discussion in outline: the case and when it was discussed; no guidance, proposal, decision text or recorder's name.</summary>
    private static CaseDiscussion Outline(CaseDiscussion d) =>
        d with { Guidance = [], CentreProposal = "", Decisions = [], RecordedBy = new Actor("", "", d.RecordedBy.Role, "") };
}
