using Coordination.Silo.Common;

namespace Coordination.Silo.Cases;

/// <summary>One case record, keyed by its id (e.g. <c>DN-2026-000123</c>).</summary>
[Alias("coord.ICaseGrain")]
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Opens the case. A retry with the same request id returns the case as opened.</summary>
    [Alias("Open")]
    Task<CaseRecord> Open(string wardId, CaseDetails details, DateTimeOffset? reportTime, CallContext call);

    /// <summary>Copies the named descriptive fields; a stale etag throws StaleEtagException.</summary>
    [Alias("Update")]
    Task<CaseRecord> Update(CaseDetails patch, string[] fields, string? etag, CallContext call);

    /// <summary>Records the initial risk assessment.</summary>
    [Alias("RecordInitialAssessment")]
    Task<CaseRecord> RecordInitialAssessment(RiskLevel risk, string findings, string[] needs, string? etag, CallContext call);

    /// <summary>Records the detailed assessment.</summary>
    [Alias("RecordDetailedAssessment")]
    Task<CaseRecord> RecordDetailedAssessment(RiskLevel risk, string findings, string[] needs, string? etag, CallContext call);

    /// <summary>Proposes the support plan.</summary>
    [Alias("ProposePlan")]
    Task<CaseRecord> ProposePlan(string goal, PlanItem[] items, string? etag, CallContext call);

    /// <summary>Approves (true) or returns (false) the proposed plan; only the ward's vice-chair.</summary>
    [Alias("DecidePlan")]
    Task<CaseRecord> DecidePlan(bool approve, string text, string? etag, CallContext call);

    /// <summary>Starts the intervention.</summary>
    [Alias("StartIntervention")]
    Task<CaseRecord> StartIntervention(string? etag, CallContext call);

    /// <summary>Records a periodic review.</summary>
    [Alias("RecordReview")]
    Task<CaseRecord> RecordReview(string summary, ReviewDecision decision, string? etag, CallContext call);

    /// <summary>Adds a note.</summary>
    [Alias("AddNote")]
    Task<CaseRecord> AddNote(string text, CallContext call);

    /// <summary>Flags or unflags the case for the quarterly conference.</summary>
    [Alias("SetConferenceFlag")]
    Task<CaseRecord> SetConferenceFlag(bool flagged, string reason, CallContext call);

    /// <summary>Closes the case; refused while tasks are open unless <paramref name="cancelOpenTasks"/>.</summary>
    [Alias("Close")]
    Task<CaseRecord> Close(string reason, string outcome, bool cancelOpenTasks, string? etag, CallContext call);

    /// <summary>Reopens a closed case.</summary>
    [Alias("Reopen")]
    Task<CaseRecord> Reopen(string reason, CallContext call);

    /// <summary>Shares the full record with an agency, or stops sharing it.</summary>
    [Alias("SetSharing")]
    Task<CaseRecord> SetSharing(string agencyId, bool shared, CallContext call);

    /// <summary>
    /// Shares the full record with an agency of <paramref name="kind"/> (refused with CONSENT_REQUIRED
    /// unless a current consent covers it, or <paramref name="emergency"/> is decided by the ward's
    /// vice-chair or a coordinator), or stops sharing it.
    /// </summary>
    [Alias("SetSharingWithConsent")]
    Task<CaseRecord> SetSharing(string agencyId, Directory.AgencyKind kind, bool shared, OverrideRequest? emergency, CallContext call);

    /// <summary>Records a consent; a retry with the same request id returns it as recorded.</summary>
    [Alias("RecordConsent")]
    Task<CaseConsent> RecordConsent(ConsentTerms terms, CallContext call);

    /// <summary>
    /// Withdraws a consent at once: shares it alone covered end, and open tasks of agencies it
    /// alone covered are limited to the task and the case summary (their agencies are told).
    /// </summary>
    [Alias("WithdrawConsent")]
    Task<CaseConsent> WithdrawConsent(string consentId, string reason, CallContext call);

    /// <summary>
    /// What a referral of task <paramref name="taskId"/> to the agency rests on: a current consent
    /// covering the agency and the case summary; else an emergency override (recorded; only the
    /// ward's vice-chair or a coordinator); else the dossier's consent flag of older integrations
    /// (<paramref name="dossierConsentBy"/> not null: recorded as a consent). Otherwise throws
    /// FailedPreconditionException CONSENT_REQUIRED.
    /// </summary>
    [Alias("AuthorizeReferral")]
    Task<ConsentBasis> AuthorizeReferral(string taskId, string agencyId, Directory.AgencyKind kind, OverrideRequest? emergency, string? dossierConsentBy, CallContext call);

    /// <summary>Records that a task belongs to the case and whether it is still open (idempotent).</summary>
    /// <remarks>
    /// Interleaves with the case's other calls: a task busy with its own step calls this while the
    /// case may be waiting on that task (closing the case cancels its tasks); without interleaving
    /// the two would wait on each other until the call timeout.
    /// </remarks>
    [Alias("TrackTask"), Orleans.Concurrency.AlwaysInterleave]
    Task TrackTask(string taskId, bool open);

    /// <summary>What a new task needs to know about the case, or null when the case does not exist.</summary>
    [Alias("GetTaskContext")]
    Task<CaseTaskContext?> GetTaskContext();

    /// <summary>The case, or null when it does not exist.</summary>
    [Alias("Get")]
    Task<CaseRecord?> Get();

    /// <summary>
    /// A case reminder fell due: tells the ward office (and the Centre where it escalates) through
    /// their inboxes, once per reminder key. Returns false when it no longer applies.
    /// </summary>
    [Alias("Remind")]
    Task<bool> Remind(Reminders.ReminderKind kind, string clock, DateTimeOffset dueAt);

    /// <summary>
    /// The case's own timeline entries, oldest first: read from the timeline table, completed by the
    /// entries of the state's tail not written there yet.
    /// </summary>
    [Alias("GetTimeline")]
    Task<TimelineEntry[]> GetTimeline();
}
