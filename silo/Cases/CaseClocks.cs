using Coordination.Silo.Calendar;

namespace Coordination.Silo.Cases;

/// <summary>Durations of the case clocks (configurable; defaults from Decree 56/2017 practice).</summary>
public sealed class CaseClockOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "CaseClocks";

    /// <summary>Emergency measures after a report with serious risk.</summary>
    public TimeSpan EmergencyMeasures { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Working days from the report to the drafted plan.</summary>
    public int PlanDraftWorkingDays { get; set; } = 5;

    /// <summary>Working days from the proposed plan to its approval.</summary>
    public int PlanApprovalWorkingDays { get; set; } = 7;

    /// <summary>Months between reviews while in intervention.</summary>
    public int ReviewIntervalMonths { get; set; } = 1;
}

/// <summary>The deadlines of one case at one moment.</summary>
public sealed record CaseClocks(
    DateTimeOffset? EmergencyMeasuresDue,
    DateTimeOffset? PlanDue,
    DateTimeOffset? PlanApprovalDue,
    DateTimeOffset? NextReviewDue)
{
    /// <summary>Clock names, as in the contract.</summary>
    public const string EmergencyName = "emergency_measures_due_time";
    /// <summary>Clock name.</summary>
    public const string PlanName = "plan_due_time";
    /// <summary>Clock name.</summary>
    public const string ApprovalName = "plan_approval_due_time";
    /// <summary>Clock name.</summary>
    public const string ReviewName = "next_review_due_time";

    /// <summary>The earliest running clock, or null when none runs.</summary>
    public DateTimeOffset? NextDue =>
        new[] { EmergencyMeasuresDue, PlanDue, PlanApprovalDue, NextReviewDue }.Where(d => d is not null).Min();

    /// <summary>Names of the clocks that have run out at <paramref name="now"/>.</summary>
    public IReadOnlyList<string> OverdueAt(DateTimeOffset now) =>
        [.. new (string Name, DateTimeOffset? Due)[]
            {
                (EmergencyName, EmergencyMeasuresDue), (PlanName, PlanDue), (ApprovalName, PlanApprovalDue), (ReviewName, NextReviewDue),
            }
            .Where(c => c.Due is { } d && d < now)
            .Select(c => c.Name)];

    /// <summary>
    /// Which clocks run for <paramref name="c"/> now: the 12-hour clock while in EMERGENCY; the
    /// plan-drafting clock until a plan is proposed (not for emergencies); the approval clock while a
    /// plan awaits decision; the review clock while in intervention.
    /// </summary>
    public static CaseClocks For(CaseRecord c, WorkingCalendar calendar, CaseClockOptions options)
    {
        DateTimeOffset? emergency = null, plan = null, approval = null, review = null;
        var planStatus = c.Plan?.Status ?? PlanStatus.None;
        switch (c.Step)
        {
            case CaseStep.Emergency:
                emergency = c.ReportTime + options.EmergencyMeasures;
                break;
            case CaseStep.Received or CaseStep.InitialAssessment or CaseStep.Planning
                when planStatus is PlanStatus.None or PlanStatus.Returned && c.Risk != RiskLevel.Serious:
                plan = calendar.AddWorkingDays(c.ReportTime, options.PlanDraftWorkingDays);
                break;
            case CaseStep.Planning when planStatus == PlanStatus.Proposed:
                approval = calendar.AddWorkingDays(c.Plan!.ProposeTime, options.PlanApprovalWorkingDays);
                break;
            case CaseStep.InIntervention:
                var from = c.LastReviewTime ?? c.InterventionStartTime ?? c.UpdateTime;
                review = from.AddMonths(options.ReviewIntervalMonths);
                break;
        }
        return new CaseClocks(emergency, plan, approval, review);
    }
}
