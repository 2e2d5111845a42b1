using Coordination.Silo.Calendar;
using Coordination.Silo.Feed;
using Coordination.Silo.Reminders;

namespace Coordination.Silo.Cases;

/// <summary>
/// What the case clocks mean for people: when the ward office is warned, told a deadline passed,
/// and when the Centre is brought in. Pure: the case grain schedules what <see cref="For"/> returns
/// and asks <see cref="Notices"/> what to send when one falls due.
/// </summary>
public static class CaseFollowUps
{
    /// <summary>Detail of the 6-month review reminder (it is not one of the case clocks).</summary>
    public const string LongIntervention = "long_intervention";

    /// <summary>
    /// The reminders the case needs now: for the emergency-measures clock a warning some hours
    /// before and a notice when it runs out (to the Centre too); for the plan and approval clocks a
    /// warning a working day before, a notice when they run out and an escalation to the Centre a
    /// working day later; the periodic review when due; the 6-month review of a long intervention.
    /// None for a closed case.
    /// </summary>
    public static IReadOnlyList<ReminderItem> For(CaseRecord c, CaseClocks clocks, WorkingCalendar calendar, FollowUpOptions o, DateTimeOffset now)
    {
        var items = new List<ReminderItem>();
        if (c.Step == CaseStep.Closed)
        {
            return items;
        }
        void Warn(DateTimeOffset at, string clock)
        {
            if (at > now)
            {
                items.Add(new(ReminderKind.CaseDueSoon, at, clock));
            }
        }
        if (clocks.EmergencyMeasuresDue is { } e)
        {
            Warn(e - o.EmergencyWarningBefore, CaseClocks.EmergencyName);
            items.Add(new(ReminderKind.CaseOverdue, e, CaseClocks.EmergencyName));
        }
        foreach (var (due, clock) in new[] { (clocks.PlanDue, CaseClocks.PlanName), (clocks.PlanApprovalDue, CaseClocks.ApprovalName) })
        {
            if (due is { } d)
            {
                Warn(calendar.AddWorkingDays(d, -o.CaseDueSoonWorkingDays), clock);
                items.Add(new(ReminderKind.CaseOverdue, d, clock));
                items.Add(new(ReminderKind.CaseEscalated, calendar.AddWorkingDays(d, o.CaseEscalateAfterWorkingDays), clock));
            }
        }
        if (clocks.NextReviewDue is { } r)
        {
            items.Add(new(ReminderKind.CaseReviewDue, r, CaseClocks.ReviewName));
        }
        if (c.Step == CaseStep.InIntervention && c.InterventionStartTime is { } started)
        {
            items.Add(new(ReminderKind.CaseLongReview, started.AddMonths(o.LongInterventionMonths), LongIntervention));
        }
        return items;
    }

    /// <summary>
    /// What to send when <paramref name="due"/> falls due, as (inbox, type, title, detail) — none
    /// when it no longer applies (the case moved on and the reminder is not among those it needs).
    /// </summary>
    public static IReadOnlyList<(string Inbox, InboxEventType Type, string Title, string Detail)> Notices(
        CaseRecord c, IReadOnlyList<ReminderItem> current, ReminderItem due)
    {
        if (!current.Any(i => i.Kind == due.Kind && i.Detail == due.Detail && ReminderStore.SameDueTime(due.DueAt, i.DueAt)))
        {
            return [];
        }
        var ward = Inboxes.Ward(c.WardId);
        var label = Label(due.Detail);
        var when = WorkingCalendar.FormatLocal(due.DueAt);
        var subject = $"{c.Id}: {label.Vi} / {label.En}";
        return due.Kind switch
        {
            ReminderKind.CaseDueSoon =>
                [(ward, InboxEventType.CaseDeadlineDueSoon, "Sắp đến hạn — " + subject, $"Hạn {when} / due {when}")],
            ReminderKind.CaseOverdue when due.Detail == CaseClocks.EmergencyName =>
                [(ward, InboxEventType.CaseDeadlineOverdue, "Quá hạn — " + subject, $"Hạn {when} / due {when}"),
                 (Inboxes.Centre, InboxEventType.CaseDeadlineEscalated, "Quá hạn — " + subject, $"Hạn {when} / due {when}")],
            ReminderKind.CaseOverdue =>
                [(ward, InboxEventType.CaseDeadlineOverdue, "Quá hạn — " + subject, $"Hạn {when} / due {when}")],
            ReminderKind.CaseEscalated =>
                [(Inboxes.Centre, InboxEventType.CaseDeadlineEscalated, "Vẫn quá hạn — " + subject, $"Hạn {when} / due {when}")],
            ReminderKind.CaseReviewDue =>
                [(ward, InboxEventType.CaseReviewDue, "Đến hạn rà soát — " + subject, $"Hạn {when} / due {when}")],
            ReminderKind.CaseLongReview =>
                [(ward, InboxEventType.CaseReviewDue, "Rà soát — " + subject, $"Đủ 6 tháng can thiệp vào {when} / intervention reached 6 months on {when}"),
                 (Inboxes.Centre, InboxEventType.CaseReviewDue, "Rà soát — " + subject, $"Đủ 6 tháng can thiệp vào {when} / intervention reached 6 months on {when}")],
            _ => [],
        };
    }

    /// <summary>
    /// What the case's latest change means for people at once (not a clock falling due): an initial
    /// assessment at serious risk tells the ward office and the Centre that the 12-hour clock runs and
    /// when it runs out; a proposed plan tells the ward office it waits for approval. None otherwise.
    /// </summary>
    public static IReadOnlyList<(string Inbox, InboxEventType Type, string Title, string Detail)> OnChange(
        CaseRecord c, TimelineEntry last, CaseClocks clocks)
    {
        var ward = Inboxes.Ward(c.WardId);
        switch (last.Action)
        {
            case "INITIAL_ASSESSMENT_RECORDED" when c.Step == CaseStep.Emergency && clocks.EmergencyMeasuresDue is { } due:
                var when = WorkingCalendar.FormatLocal(due);
                var title = $"Khẩn cấp — {c.Id}: nguy cơ nghiêm trọng / emergency: serious risk";
                var detail = $"Biện pháp bảo vệ khẩn cấp trước {when} (giờ Việt Nam) / emergency measures due by {when} (Vietnam time)";
                return [(ward, InboxEventType.CaseEmergency, title, detail), (Inboxes.Centre, InboxEventType.CaseEmergency, title, detail)];
            case "PLAN_PROPOSED" when c.Plan is { Status: PlanStatus.Proposed } plan:
                var approveBy = clocks.PlanApprovalDue is { } a ? WorkingCalendar.FormatLocal(a) : "";
                return [(ward, InboxEventType.PlanProposed,
                    $"Kế hoạch hỗ trợ chờ phê duyệt — {c.Id} / support plan awaits approval",
                    approveBy.Length > 0
                        ? $"{plan.Items.Length} hoạt động; phê duyệt trước {approveBy} / {plan.Items.Length} items; approve by {approveBy}"
                        : $"{plan.Items.Length} hoạt động / {plan.Items.Length} items")];
            default:
                return [];
        }
    }

    /// <summary>The clock's name for people, in Vietnamese and English.</summary>
    public static (string Vi, string En) Label(string clock) => clock switch
    {
        CaseClocks.EmergencyName => ("biện pháp bảo vệ khẩn cấp", "emergency measures"),
        CaseClocks.PlanName => ("xây dựng kế hoạch hỗ trợ", "support plan"),
        CaseClocks.ApprovalName => ("phê duyệt kế hoạch hỗ trợ", "plan approval"),
        CaseClocks.ReviewName => ("rà soát định kỳ", "periodic review"),
        LongIntervention => ("rà soát can thiệp kéo dài 6 tháng", "6-month intervention review"),
        _ => (clock, clock),
    };
}
