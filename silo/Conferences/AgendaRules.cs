using System.Globalization;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;

namespace Coordination.Silo.Conferences;

/// <summary>What the read model knows about a candidate case for the agenda.</summary>
public sealed record AgendaCandidate(
    string CaseId,
    string WardId,
    CaseStep Step,
    RiskLevel Risk,
    bool Flagged,
    string FlagReason,
    DateTimeOffset ReportTime,
    int OverdueTaskCount,
    DateTimeOffset? LatestEmergencyTaskTime);

/// <summary>Which cases go on a conference agenda, and why. Pure: tested without a database.</summary>
public static class AgendaRules
{
    /// <summary>A case open longer than this many months is reviewed.</summary>
    public const int LongOpenMonths = 6;

    /// <summary>Emergencies reported in this many months before the agenda is built are reviewed.</summary>
    public const int EmergencyWindowMonths = 3;

    /// <summary>Start of the window in which emergencies count (months back, in Vietnam time).</summary>
    public static DateTimeOffset EmergencyWindowStart(DateTimeOffset now) => MonthsBack(now, EmergencyWindowMonths);

    /// <summary>Cases reported before this are "open over 6 months".</summary>
    public static DateTimeOffset LongOpenBefore(DateTimeOffset now) => MonthsBack(now, LongOpenMonths);

    /// <summary>
    /// The agenda from open candidate cases at <paramref name="now"/>: flagged first, then by number
    /// of reasons, then oldest report; cases with no reason are left out.
    /// </summary>
    public static AgendaItem[] Build(IEnumerable<AgendaCandidate> candidates, DateTimeOffset now)
    {
        var windowStart = EmergencyWindowStart(now);
        var longOpen = LongOpenBefore(now);
        var items = new List<(AgendaItem Item, AgendaCandidate C)>();
        foreach (var c in candidates)
        {
            if (c.Step == CaseStep.Closed)
            {
                continue;
            }
            var reasons = new List<AgendaReason>();
            if (c.Flagged)
            {
                reasons.Add(AgendaReason.Flagged);
            }
            if (c.OverdueTaskCount > 0)
            {
                reasons.Add(AgendaReason.OverdueTasks);
            }
            if (c.ReportTime < longOpen)
            {
                reasons.Add(AgendaReason.OpenOver6Months);
            }
            var emergencyCase = (c.Risk == RiskLevel.Serious || c.Step == CaseStep.Emergency) && c.ReportTime >= windowStart && c.ReportTime <= now;
            var emergencyTask = c.LatestEmergencyTaskTime is { } t && t >= windowStart && t <= now;
            if (emergencyCase || emergencyTask)
            {
                reasons.Add(AgendaReason.EmergencyThisQuarter);
            }
            if (reasons.Count == 0)
            {
                continue;
            }
            items.Add((new AgendaItem(c.CaseId, c.WardId, [.. reasons], Summary(c, now), c.OverdueTaskCount), c));
        }
        return [.. items
            .OrderByDescending(i => i.C.Flagged)
            .ThenByDescending(i => i.Item.Reasons.Length)
            .ThenBy(i => i.C.ReportTime)
            .ThenBy(i => i.C.CaseId, StringComparer.Ordinal)
            .Select(i => i.Item)];
    }

    /// <summary>A short bilingual summary for participants: step, risk, months open, overdue tasks, flag reason.</summary>
    public static string Summary(AgendaCandidate c, DateTimeOffset now)
    {
        var months = (int)Math.Floor((now - c.ReportTime).TotalDays / 30.44);
        var parts = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Bước / step: {c.Step}"),
            string.Create(CultureInfo.InvariantCulture, $"rủi ro / risk: {c.Risk}"),
            string.Create(CultureInfo.InvariantCulture, $"mở {months} tháng / open {months} months"),
        };
        if (c.OverdueTaskCount > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{c.OverdueTaskCount} nhiệm vụ quá hạn / overdue tasks"));
        }
        if (c.Flagged && c.FlagReason.Length > 0)
        {
            parts.Add("lý do đề xuất / flagged because: " + c.FlagReason);
        }
        return string.Join("; ", parts);
    }

    private static DateTimeOffset MonthsBack(DateTimeOffset now, int months)
    {
        var local = TimeZoneInfo.ConvertTime(now, WorkingCalendar.VietnamTime);
        return local.AddMonths(-months).ToUniversalTime();
    }
}
