namespace Coordination.Silo.Conferences;

/// <summary>Regular or extraordinary. Numbers are stored and match the contract: never renumber.</summary>
public enum ConferenceKind
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>The regular quarterly conference, planned from the cluster's schedule.</summary>
    Regular = 1,
    /// <summary>An extraordinary conference added by a coordinator.</summary>
    Extraordinary = 2,
}

/// <summary>Where a conference is in its life. Numbers match the contract (ConferenceState).</summary>
public enum ConferenceStatus
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Planned, no agenda yet.</summary>
    Scheduled = 1,
    /// <summary>Agenda built, participants told.</summary>
    Prepared = 2,
    /// <summary>The meeting took place.</summary>
    Held = 3,
}

/// <summary>Why a case is on the agenda. Numbers match the contract.</summary>
public enum AgendaReason
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Flagged for the conference.</summary>
    Flagged = 1,
    /// <summary>Has open tasks past due.</summary>
    OverdueTasks = 2,
    /// <summary>Open for more than 6 months.</summary>
    OpenOver6Months = 3,
    /// <summary>An emergency reported in the review period.</summary>
    EmergencyThisQuarter = 4,
}

/// <summary>What a conference notification tells its participants.</summary>
public enum ConferenceNotice
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>A conference was scheduled.</summary>
    Scheduled = 1,
    /// <summary>The agenda is ready.</summary>
    AgendaReady = 2,
    /// <summary>The conference moved.</summary>
    Rescheduled = 3,
}
