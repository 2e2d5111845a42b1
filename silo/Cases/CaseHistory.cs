namespace Coordination.Silo.Cases;

/// <summary>
/// A case's history as the reports read it: the step after every timeline entry, and the stays in
/// each open step. Entries written before the timeline carried the step are replayed from their
/// action (and, for assessments and reviews, the decision their detail names).
/// </summary>
public static class CaseHistory
{
    /// <summary>One stay of a case in an open step; <see cref="LeftAt"/> is null while it is still there.</summary>
    public sealed record Stay(CaseStep Step, DateTimeOffset EnteredAt, DateTimeOffset? LeftAt);

    /// <summary>
    /// The step after each entry of <paramref name="timeline"/>, in order; <paramref name="before"/> is
    /// the step before its first entry (a timeline's tail starts after entries already written).
    /// </summary>
    public static CaseStep[] StepsOf(IReadOnlyList<TimelineEntry> timeline, CaseStep before = CaseStep.Unspecified)
    {
        var steps = new CaseStep[timeline.Count];
        var step = before;
        for (var i = 0; i < timeline.Count; i++)
        {
            var e = timeline[i];
            step = e.Step != CaseStep.Unspecified ? e.Step : Replay(step, e.Action, e.Detail);
            steps[i] = step;
        }
        return steps;
    }

    /// <summary>The step after an entry recorded without one (timelines from before issue 11).</summary>
    public static CaseStep Replay(CaseStep before, string action, string detail) => action switch
    {
        "CASE_OPENED" => CaseStep.Received,
        // Detail: "Risk Serious; step Emergency".
        "INITIAL_ASSESSMENT_RECORDED" => Enum.TryParse<CaseStep>(detail[(detail.LastIndexOf("step ", StringComparison.Ordinal) + 5)..], out var s)
            && detail.Contains("step ", StringComparison.Ordinal) ? s : CaseStep.Planning,
        "DETAILED_ASSESSMENT_RECORDED" or "PLAN_PROPOSED" => CaseStep.Planning,
        "PLAN_APPROVED" => CaseStep.PlanApproved,
        "INTERVENTION_STARTED" => CaseStep.InIntervention,
        // Detail: "Monitor: what the review found".
        "REVIEW_RECORDED" when detail.StartsWith("Monitor:", StringComparison.Ordinal) => CaseStep.Monitoring,
        "REVIEW_RECORDED" when detail.StartsWith("Replan:", StringComparison.Ordinal) => CaseStep.Planning,
        "CASE_CLOSED" => CaseStep.Closed,
        "CASE_REOPENED" => CaseStep.InitialAssessment,
        _ => before,
    };

    /// <summary>
    /// The stays in open steps, oldest first (<see cref="ReadModel.ReportFacts"/> computes the same in
    /// SQL from <c>case_events</c>, since the case state no longer holds the whole timeline). The first starts at the report time when the report
    /// came before the case was opened in the platform (a case entered after the fact was open from
    /// its report on).
    /// </summary>
    public static IReadOnlyList<Stay> StaysOf(DateTimeOffset reportTime, IReadOnlyList<TimelineEntry> timeline, CaseStep[] steps)
    {
        var stays = new List<Stay>();
        var current = CaseStep.Unspecified;
        DateTimeOffset since = default;
        for (var i = 0; i < timeline.Count; i++)
        {
            if (steps[i] == current)
            {
                continue;
            }
            var at = i == 0 && reportTime < timeline[0].Time ? reportTime : timeline[i].Time;
            if (current is not (CaseStep.Unspecified or CaseStep.Closed))
            {
                stays.Add(new Stay(current, since, at));
            }
            current = steps[i];
            since = at;
        }
        if (current is not (CaseStep.Unspecified or CaseStep.Closed))
        {
            stays.Add(new Stay(current, since, null));
        }
        return stays;
    }
}
