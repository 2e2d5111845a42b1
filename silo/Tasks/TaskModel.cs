namespace Coordination.Silo.Tasks;

/// <summary>Task status (HL7 FHIR Task). Numbers are stored and match the contract: never renumber.</summary>
public enum TaskStatus
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Sent, not yet seen.</summary>
    Requested = 1,
    /// <summary>Receipt acknowledged.</summary>
    Received = 2,
    /// <summary>Accepted.</summary>
    Accepted = 3,
    /// <summary>Declined (final).</summary>
    Rejected = 4,
    /// <summary>Being worked on.</summary>
    InProgress = 5,
    /// <summary>Paused.</summary>
    OnHold = 6,
    /// <summary>Done with an outcome (final).</summary>
    Completed = 7,
    /// <summary>Could not be done (final).</summary>
    Failed = 8,
    /// <summary>Cancelled by the assigner (final).</summary>
    Cancelled = 9,
}

/// <summary>Kinds of tasks. Numbers match the contract.</summary>
public enum TaskKind
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Referral to a service.</summary>
    Referral = 1,
    /// <summary>Direction from a ward vice-chair.</summary>
    Assignment = 2,
    /// <summary>Emergency task.</summary>
    Emergency = 3,
    /// <summary>Action decided at a case conference.</summary>
    ConferenceAction = 4,
}

/// <summary>Task priority. Numbers match the contract.</summary>
public enum TaskPriority
{
    /// <summary>Not set (routine).</summary>
    Unspecified = 0,
    /// <summary>Routine.</summary>
    Routine = 1,
    /// <summary>Urgent.</summary>
    Urgent = 2,
    /// <summary>As soon as possible.</summary>
    Asap = 3,
    /// <summary>Immediately.</summary>
    Stat = 4,
}

/// <summary>Everything that can be done to a task.</summary>
public enum TaskAction
{
    /// <summary>Assignee acknowledges receipt.</summary>
    Receive,
    /// <summary>Assignee accepts.</summary>
    Accept,
    /// <summary>Assignee declines (reason required).</summary>
    Reject,
    /// <summary>Assignee starts or resumes work.</summary>
    Start,
    /// <summary>Assignee pauses (reason required).</summary>
    Hold,
    /// <summary>Assignee reports progress; on an accepted task this starts it.</summary>
    ReportProgress,
    /// <summary>Assignee completes with an outcome.</summary>
    Complete,
    /// <summary>Assignee reports failure (reason required).</summary>
    Fail,
    /// <summary>Assigner cancels (reason required).</summary>
    Cancel,
    /// <summary>Assigner sends the task to another agency.</summary>
    Reassign,
    /// <summary>Assigner reviews the outcome, closing the loop.</summary>
    ReviewOutcome,
    /// <summary>Anyone involved comments.</summary>
    Comment,
    /// <summary>Assigner sends a completed outcome back to the agency, with a comment (→ IN_PROGRESS).</summary>
    SendBackOutcome,
}

/// <summary>Which party may take an action.</summary>
public enum TaskParty
{
    /// <summary>The addressed agency.</summary>
    Assignee,
    /// <summary>Whoever assigned the task.</summary>
    Assigner,
    /// <summary>Either.</summary>
    Either,
}
