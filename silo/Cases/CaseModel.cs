namespace Coordination.Silo.Cases;

/// <summary>Case-management step (Decree 56/2017). Numbers match the contract: never renumber.</summary>
public enum CaseStep
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Report received.</summary>
    Received = 1,
    /// <summary>Initial assessment (after a reopen).</summary>
    InitialAssessment = 2,
    /// <summary>Immediate protection (12-hour clock).</summary>
    Emergency = 3,
    /// <summary>Plan being drafted or awaiting approval.</summary>
    Planning = 4,
    /// <summary>Plan approved.</summary>
    PlanApproved = 5,
    /// <summary>Plan being carried out.</summary>
    InIntervention = 6,
    /// <summary>Following up.</summary>
    Monitoring = 7,
    /// <summary>Closed.</summary>
    Closed = 8,
}

/// <summary>Risk level. Numbers match the contract.</summary>
public enum RiskLevel
{
    /// <summary>Not assessed.</summary>
    Unspecified = 0,
    /// <summary>Low.</summary>
    Low = 1,
    /// <summary>Medium.</summary>
    Medium = 2,
    /// <summary>High.</summary>
    High = 3,
    /// <summary>Serious: emergency measures within 12 hours.</summary>
    Serious = 4,
}

/// <summary>Status of the support plan. Numbers match the contract.</summary>
public enum PlanStatus
{
    /// <summary>No plan.</summary>
    None = 0,
    /// <summary>Awaiting decision.</summary>
    Proposed = 1,
    /// <summary>Approved.</summary>
    Approved = 2,
    /// <summary>Returned for rework.</summary>
    Returned = 3,
}

/// <summary>What a periodic review decided. Numbers match the contract.</summary>
public enum ReviewDecision
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Continue the plan.</summary>
    Continue = 1,
    /// <summary>Move to monitoring.</summary>
    Monitor = 2,
    /// <summary>Back to planning.</summary>
    Replan = 3,
}

/// <summary>Everything that can be done to a case.</summary>
public enum CaseAction
{
    /// <summary>Descriptive update.</summary>
    Update,
    /// <summary>Initial risk assessment.</summary>
    RecordInitialAssessment,
    /// <summary>Detailed assessment.</summary>
    RecordDetailedAssessment,
    /// <summary>Propose the support plan.</summary>
    ProposePlan,
    /// <summary>Approve the proposed plan.</summary>
    ApprovePlan,
    /// <summary>Return the proposed plan.</summary>
    ReturnPlan,
    /// <summary>Start the intervention.</summary>
    StartIntervention,
    /// <summary>Periodic review.</summary>
    RecordReview,
    /// <summary>Add a note.</summary>
    AddNote,
    /// <summary>Flag or unflag for the conference.</summary>
    SetConferenceFlag,
    /// <summary>Close.</summary>
    Close,
    /// <summary>Reopen.</summary>
    Reopen,
    /// <summary>Link a task.</summary>
    LinkTask,
}
