namespace Coordination.Silo.Cases;

/// <summary>
/// The case-management procedure of Decree 56/2017 as pure functions: which action is allowed at
/// which step, and where it leads. RECEIVED → INITIAL_ASSESSMENT → PLANNING → PLAN_APPROVED →
/// IN_INTERVENTION → MONITORING → CLOSED, with EMERGENCY when the initial assessment finds serious risk.
/// </summary>
public static class CaseStateMachine
{
    /// <summary>
    /// The step after <paramref name="action"/>, or null when the action is not allowed now.
    /// <paramref name="plan"/> is the plan's status; <paramref name="risk"/> the assessed risk (for the
    /// initial assessment); <paramref name="decision"/> the review decision (for reviews).
    /// </summary>
    public static CaseStep? Next(
        CaseStep step, PlanStatus plan, CaseAction action,
        RiskLevel risk = RiskLevel.Unspecified, ReviewDecision decision = ReviewDecision.Unspecified) => (step, action) switch
    {
        (CaseStep.Unspecified, _) => null,
        (CaseStep.Closed, CaseAction.Reopen) => CaseStep.InitialAssessment,
        (CaseStep.Closed, CaseAction.AddNote) => CaseStep.Closed,
        (CaseStep.Closed, _) => null,
        (_, CaseAction.Reopen) => null,
        (_, CaseAction.Update or CaseAction.AddNote or CaseAction.SetConferenceFlag or CaseAction.LinkTask or CaseAction.Close) =>
            action == CaseAction.Close ? CaseStep.Closed : step,
        (CaseStep.Received or CaseStep.InitialAssessment, CaseAction.RecordInitialAssessment) =>
            risk == RiskLevel.Serious ? CaseStep.Emergency : CaseStep.Planning,
        (CaseStep.Emergency or CaseStep.Planning, CaseAction.RecordDetailedAssessment) => CaseStep.Planning,
        (CaseStep.Emergency, CaseAction.ProposePlan) => CaseStep.Planning,
        (CaseStep.Planning, CaseAction.ProposePlan) => CaseStep.Planning,
        (CaseStep.Planning, CaseAction.ApprovePlan) when plan == PlanStatus.Proposed => CaseStep.PlanApproved,
        (CaseStep.Planning, CaseAction.ReturnPlan) when plan == PlanStatus.Proposed => CaseStep.Planning,
        (CaseStep.PlanApproved, CaseAction.StartIntervention) => CaseStep.InIntervention,
        (CaseStep.InIntervention or CaseStep.Monitoring, CaseAction.RecordReview) => decision switch
        {
            ReviewDecision.Continue => step,
            ReviewDecision.Monitor => CaseStep.Monitoring,
            ReviewDecision.Replan => CaseStep.Planning,
            _ => null,
        },
        _ => null,
    };
}
