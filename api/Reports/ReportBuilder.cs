using Coordination.Silo.Calendar;
using Coordination.Silo.Reports;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;

namespace Coordination.Api.Reports;

/// <summary>Builds the contract's Report from the figures the database computed: shares, medians of the clocks, labels and definitions.</summary>
public static class ReportBuilder
{
    /// <summary>Most late cases listed per clock.</summary>
    public const int MaxLateCases = 500;

    /// <summary>The report of <paramref name="data"/>.</summary>
    public static Report Build(
        string scope, string scopeName, ReportPeriod period, ResolvedPeriod resolved, DateTimeOffset asOf, DateTimeOffset now,
        ReportData data, DirectoryNames names, WorkingCalendar calendar, bool agencyScope, bool wardScope)
    {
        var report = new Report
        {
            Scope = scope,
            ScopeDisplayName = scopeName,
            Period = period,
            PeriodLabel = resolved.Label,
            StartTime = Timestamp.FromDateTimeOffset(resolved.Start),
            EndTime = Timestamp.FromDateTimeOffset(resolved.End),
            AsOfTime = Timestamp.FromDateTimeOffset(asOf),
            ComputeTime = Timestamp.FromDateTimeOffset(now),
            Tasks = Tasks(data, names),
        };
        if (!agencyScope)
        {
            report.Cases = Cases(data);
            report.Clocks.AddRange(Clocks(data, asOf, calendar));
            if (!wardScope)
            {
                report.Conferences = Conferences(data, names);
            }
        }
        report.Definitions.AddRange(ReportDefinitions.All.Where(d =>
            (!agencyScope || d.Key.StartsWith("tasks.", StringComparison.Ordinal))
            && (!(agencyScope || wardScope) || !d.Key.StartsWith("conferences.", StringComparison.Ordinal))));
        return report;
    }

    private static CaseStatistics Cases(ReportData data)
    {
        long Get(string dimension, string value = "") => data.Cases.GetValueOrDefault((dimension, value));
        var total = Get("new");
        Breakdown Enum(string key, string dimension, IEnumerable<int> values, Func<int, string> name, Func<int, string> label, long of) =>
            Rows(key, of, values.Select(v => (name(v), label(v), Get(dimension, v.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        var open = Get("open");
        var reasons = data.Cases.Where(kv => kv.Key.Dimension == "reason").OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Value, StringComparer.Ordinal)
            .Select(kv => (kv.Key.Value, kv.Key.Value.Length == 0 ? "(không ghi lý do)" : kv.Key.Value, kv.Value));
        var stats = new CaseStatistics
        {
            NewCases = total,
            NewBySource = Enum("cases.new_by_source", "source", [1, 2, 3, 4], v => ((IntakeSource)v).ToString(), ReportLabels.Source, total),
            NewByCategory = Enum("cases.new_by_category", "category", Enumerable.Range(1, 10), v => ((CaseCategory)v).ToString(), ReportLabels.Category, total),
            NewBySex = Enum("cases.new_by_sex", "sex", [1, 2, 3], v => ((Sex)v).ToString(), ReportLabels.Sex, total),
            NewByAgeBand = Rows("cases.new_by_age_band", total, ReportLabels.AgeBands.Select(b => (b, ReportLabels.AgeBand(b), Get("age", b)))),
            NewByRisk = Enum("cases.new_by_risk", "risk", [0, 1, 2, 3, 4], v => ((RiskLevel)v).ToString(), ReportLabels.Risk, total),
            OpenAtEnd = open,
            OpenByStep = Enum("cases.open_by_step", "step", [1, 2, 3, 4, 5, 6, 7], v => ((CaseStep)v).ToString(), ReportLabels.Step, open),
            Closed = Get("closed"),
            ClosedByReason = Rows("cases.closed_by_reason", Get("closed"), reasons),
            OpenOverSixMonths = Get("over6"),
            EmergencyOverrideCases = Get("override"),
        };
        stats.Trend.AddRange(data.Trend.Select(t => new QuarterCount { Quarter = t.Quarter, NewCases = t.New, ClosedCases = t.Closed }));
        return stats;
    }

    /// <summary>A breakdown with shares of <paramref name="total"/>; enum values with the contract's prefixes.</summary>
    private static Breakdown Rows(string key, long total, IEnumerable<(string Key, string Label, long Count)> rows)
    {
        var b = new Breakdown { Key = key, Total = total };
        b.Rows.AddRange(rows.Select(r => new CountRow { Key = EnumKey(key, r.Key), Label = r.Label, Count = r.Count, Share = Share(r.Count, total) }));
        return b;
    }

    private static string EnumKey(string breakdown, string value) => breakdown switch
    {
        "cases.new_by_source" => "INTAKE_SOURCE_" + Screaming(value),
        "cases.new_by_category" => "CASE_CATEGORY_" + Screaming(value),
        "cases.new_by_sex" => "SEX_" + Screaming(value),
        "cases.new_by_risk" => "RISK_LEVEL_" + Screaming(value),
        "cases.open_by_step" => "CASE_STEP_" + Screaming(value),
        _ => value,
    };

    private static string Screaming(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    private static double Share(long count, long total) => total == 0 ? 0 : (double)count / total;

    private static IEnumerable<ClockFigure> Clocks(ReportData data, DateTimeOffset asOf, WorkingCalendar calendar)
    {
        foreach (var clock in new[] { LegalClockKind.EmergencyMeasures, LegalClockKind.PlanDrafted, LegalClockKind.PlanDecided, LegalClockKind.MonthlyReview })
        {
            var rows = data.Clocks.Where(c => c.Clock == clock).ToList();
            var met = rows.Count(c => c.DoneAt is { } d && d <= c.Due);
            var late = rows.Where(c => c.DoneAt is { } d ? d > c.Due : c.Due < asOf).OrderBy(c => c.Due).ThenBy(c => c.CaseId, StringComparer.Ordinal).ToList();
            var durations = rows.Where(c => c.DoneAt is not null)
                .Select(c => clock == LegalClockKind.EmergencyMeasures
                    ? (c.DoneAt!.Value - c.StartedAt).TotalHours
                    : WorkingTime.Days(calendar, c.StartedAt, c.DoneAt!.Value))
                .ToList();
            var figure = new ClockFigure
            {
                Clock = (LegalClock)(int)clock,
                Key = "clocks." + clock switch
                {
                    LegalClockKind.EmergencyMeasures => "emergency_measures",
                    LegalClockKind.PlanDrafted => "plan_drafted",
                    LegalClockKind.PlanDecided => "plan_decided",
                    _ => "monthly_review",
                },
                Count = rows.Count,
                Met = met,
                Late = late.Count,
                Pending = rows.Count - met - late.Count,
                ShareMet = Share(met, met + late.Count),
                MedianToDone = Percentile(durations, 0.5) ?? 0,
            };
            figure.LateCases.AddRange(late.Take(MaxLateCases).Select(c => new LateCase
            {
                Case = "cases/" + c.CaseId,
                Ward = "wards/" + c.WardId,
                DueTime = Timestamp.FromDateTimeOffset(c.Due),
                DoneTime = c.DoneAt is { } d ? Timestamp.FromDateTimeOffset(d) : null,
            }));
            yield return figure;
        }
    }

    /// <summary>The <paramref name="p"/>-quantile with linear interpolation (PostgreSQL's percentile_cont).</summary>
    public static double? Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    private static TaskStatistics Tasks(ReportData data, DirectoryNames names)
    {
        var stats = new TaskStatistics
        {
            Total = Figures(data.Tasks.FirstOrDefault(t => t.AgencyId is null && t.Kind is null), null, null, "Tổng cộng", data),
        };
        stats.ByAgencyKind.AddRange(data.Tasks.Where(t => t.AgencyId is null && t.Kind is not null).OrderBy(t => t.Kind)
            .Select(t => Figures(t, null, t.Kind, ReportLabels.AgencyKindName(t.Kind!.Value), data)));
        stats.ByAgency.AddRange(data.Tasks.Where(t => t.AgencyId is not null).OrderBy(t => t.AgencyId, StringComparer.Ordinal)
            .Select(t => Figures(t, t.AgencyId, t.Kind, names.Agencies.TryGetValue(t.AgencyId!, out var a) ? a.Name : t.AgencyId!, data)));
        return stats;
    }

    private static TaskFigures Figures(TaskAggregate? t, string? agency, int? kind, string name, ReportData data)
    {
        t ??= new TaskAggregate(null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null);
        var f = new TaskFigures
        {
            Agency = agency is null ? "" : "agencies/" + agency,
            DisplayName = name,
            AgencyKind = (AgencyKind)(kind ?? 0),
            Assigned = t.Assigned,
            Accepted = t.Accepted,
            Rejected = t.Rejected,
            Completed = t.Completed,
            Failed = t.Failed,
            Cancelled = t.Cancelled,
            Overdue = t.Overdue,
            Escalated = t.Escalated,
            Reviewed = t.Reviewed,
            MedianDaysToAccept = t.MedianDaysToAccept ?? 0,
            P90DaysToAccept = t.P90DaysToAccept ?? 0,
            MedianDaysToComplete = t.MedianDaysToComplete ?? 0,
            P90DaysToComplete = t.P90DaysToComplete ?? 0,
            ClosedLoopShare = Share(t.Reviewed, t.Assigned),
        };
        var reasons = data.RejectReasons.Where(r => r.AgencyId == agency && (agency is not null || r.Kind == kind))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal)
            .Select(r => (r.Reason, r.Reason.Length == 0 ? "(không ghi lý do)" : r.Reason, r.Count));
        f.RejectedByReason = Rows("tasks.rejected_by_reason", t.Rejected, reasons);
        var codes = data.TaskCodes.Where(c => c.AgencyId == agency && (agency is not null || c.Kind == kind)).ToList();
        IEnumerable<(string, string, long)> Coded(int status, string enumName, Func<int, string> label) => codes
            .Where(c => c.FinalStatus == status).OrderBy(c => c.Code)
            .Select(c => (TasksReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>(enumName)
                .FindValueByNumber(c.Code)?.Name ?? c.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), label(c.Code), c.Count));
        f.RejectedByReasonCode = Rows("tasks.rejected_by_reason_code", t.Rejected,
            Coded(4, "TaskReasonCode", c => Silo.Tasks.TaskCodes.VietnameseLabel((Silo.Tasks.TaskReasonCode)c)));
        f.FailedByReasonCode = Rows("tasks.failed_by_reason_code", t.Failed,
            Coded(8, "TaskReasonCode", c => Silo.Tasks.TaskCodes.VietnameseLabel((Silo.Tasks.TaskReasonCode)c)));
        f.CompletedByOutcomeCode = Rows("tasks.completed_by_outcome_code", t.Completed,
            Coded(7, "TaskOutcomeCode", c => Silo.Tasks.TaskCodes.VietnameseLabel((Silo.Tasks.TaskOutcomeCode)c)));
        return f;
    }

    private static ConferenceStatistics Conferences(ReportData data, DirectoryNames names)
    {
        var stats = new ConferenceStatistics();
        stats.ByCluster.AddRange(data.Conferences.Select(c => new ClusterConferences
        {
            Cluster = "clusters/" + c.ClusterId,
            DisplayName = names.Clusters.GetValueOrDefault(c.ClusterId, c.ClusterId),
            Held = c.Held,
            CasesDiscussed = c.CasesDiscussed,
            Decisions = c.Decisions,
            DecisionsCompletedOnTime = c.DecisionsCompletedOnTime,
        }));
        stats.Total = new ClusterConferences
        {
            DisplayName = "Tổng cộng",
            Held = data.Conferences.Sum(c => c.Held),
            CasesDiscussed = data.Conferences.Sum(c => c.CasesDiscussed),
            Decisions = data.Conferences.Sum(c => c.Decisions),
            DecisionsCompletedOnTime = data.Conferences.Sum(c => c.DecisionsCompletedOnTime),
        };
        return stats;
    }
}

/// <summary>
/// Time on the working-day clock: only time on working days counts, a working day counting as one
/// (as the SQL function working_clock does for task durations).
/// </summary>
public static class WorkingTime
{
    /// <summary>Working days between <paramref name="from"/> and <paramref name="to"/> (Vietnam time).</summary>
    public static double Days(WorkingCalendar calendar, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return 0;
        }
        var a = TimeZoneInfo.ConvertTime(from, WorkingCalendar.VietnamTime).DateTime;
        var b = TimeZoneInfo.ConvertTime(to, WorkingCalendar.VietnamTime).DateTime;
        var total = 0.0;
        for (var day = DateOnly.FromDateTime(a); day <= DateOnly.FromDateTime(b); day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day))
            {
                continue;
            }
            var dayStart = day.ToDateTime(TimeOnly.MinValue);
            var start = a > dayStart ? a : dayStart;
            var end = b < dayStart.AddDays(1) ? b : dayStart.AddDays(1);
            total += Math.Max(0, (end - start).TotalDays);
        }
        return total;
    }
}
