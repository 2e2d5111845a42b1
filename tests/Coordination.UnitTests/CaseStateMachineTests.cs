using Coordination.Silo.Cases;

namespace Coordination.UnitTests;

public sealed class CaseStateMachineTests
{
    private static readonly CaseAction[] Anytime =
        [CaseAction.Update, CaseAction.AddNote, CaseAction.SetConferenceFlag, CaseAction.LinkTask];

    /// <summary>The expected next step for every step × plan status × action, written out.</summary>
    private static CaseStep? Expected(CaseStep step, PlanStatus plan, CaseAction action, RiskLevel risk, ReviewDecision decision)
    {
        if (step == CaseStep.Unspecified)
        {
            return null;
        }
        if (step == CaseStep.Closed)
        {
            return action switch { CaseAction.Reopen => CaseStep.InitialAssessment, CaseAction.AddNote => CaseStep.Closed, _ => null };
        }
        if (Anytime.Contains(action))
        {
            return step;
        }
        return action switch
        {
            CaseAction.Close => CaseStep.Closed,
            CaseAction.Reopen => null,
            CaseAction.RecordInitialAssessment when step is CaseStep.Received or CaseStep.InitialAssessment =>
                risk == RiskLevel.Serious ? CaseStep.Emergency : CaseStep.Planning,
            CaseAction.RecordDetailedAssessment when step is CaseStep.Emergency or CaseStep.Planning => CaseStep.Planning,
            CaseAction.ProposePlan when step is CaseStep.Emergency or CaseStep.Planning => CaseStep.Planning,
            CaseAction.ApprovePlan when step == CaseStep.Planning && plan == PlanStatus.Proposed => CaseStep.PlanApproved,
            CaseAction.ReturnPlan when step == CaseStep.Planning && plan == PlanStatus.Proposed => CaseStep.Planning,
            CaseAction.StartIntervention when step == CaseStep.PlanApproved => CaseStep.InIntervention,
            CaseAction.RecordReview when step is CaseStep.InIntervention or CaseStep.Monitoring => decision switch
            {
                ReviewDecision.Continue => step,
                ReviewDecision.Monitor => CaseStep.Monitoring,
                ReviewDecision.Replan => CaseStep.Planning,
                _ => null,
            },
            _ => null,
        };
    }

    public static IEnumerable<object[]> EveryCombination() =>
        from step in Enum.GetValues<CaseStep>()
        from plan in Enum.GetValues<PlanStatus>()
        from action in Enum.GetValues<CaseAction>()
        from risk in new[] { RiskLevel.Low, RiskLevel.Serious }
        from decision in Enum.GetValues<ReviewDecision>()
        select new object[] { step, plan, action, risk, decision };

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Every_step_and_action_is_allowed_or_refused_as_written(CaseStep step, PlanStatus plan, CaseAction action, RiskLevel risk, ReviewDecision decision) =>
        Assert.Equal(Expected(step, plan, action, risk, decision), CaseStateMachine.Next(step, plan, action, risk, decision));

    [Fact]
    public void Serious_risk_at_initial_assessment_enters_emergency()
    {
        Assert.Equal(CaseStep.Emergency, CaseStateMachine.Next(CaseStep.Received, PlanStatus.None, CaseAction.RecordInitialAssessment, RiskLevel.Serious));
        Assert.Equal(CaseStep.Planning, CaseStateMachine.Next(CaseStep.Received, PlanStatus.None, CaseAction.RecordInitialAssessment, RiskLevel.High));
    }

    [Fact]
    public void A_plan_is_approved_only_while_proposed()
    {
        Assert.Null(CaseStateMachine.Next(CaseStep.Planning, PlanStatus.None, CaseAction.ApprovePlan));
        Assert.Null(CaseStateMachine.Next(CaseStep.Planning, PlanStatus.Returned, CaseAction.ApprovePlan));
        Assert.Equal(CaseStep.PlanApproved, CaseStateMachine.Next(CaseStep.Planning, PlanStatus.Proposed, CaseAction.ApprovePlan));
    }
}
