using Coordination.Silo.Common;

namespace Coordination.Silo.Tasks;

/// <summary>The referral dossier sent with a referral.</summary>
[GenerateSerializer, Alias("coord.ReferralDossier")]
public sealed record ReferralDossier(
    [property: Id(0)] string Reason,
    [property: Id(1)] string RequestedService,
    [property: Id(2)] string AssessmentSummary,
    [property: Id(3)] bool ConsentGiven,
    [property: Id(4)] string ConsentBy);

/// <summary>What the addressed agency needs to know about the person (no assessments, no notes).</summary>
[GenerateSerializer, Alias("coord.TaskCaseSummary")]
public sealed record TaskCaseSummary(
    [property: Id(0)] string PersonName,
    [property: Id(1)] int AgeYears,
    [property: Id(2)] string Sex,
    [property: Id(3)] string WardId,
    [property: Id(4)] string Address,
    [property: Id(5)] string FamilyContact,
    [property: Id(6)] string PersonDoNotContact = "",
    [property: Id(7)] string ReporterDoNotContact = "");

/// <summary>Outcome report of a completed task.</summary>
[GenerateSerializer, Alias("coord.OutcomeReport")]
public sealed record OutcomeReport(
    [property: Id(0)] string ActionsTaken,
    [property: Id(1)] string Result,
    [property: Id(2)] bool FollowUpNeeded,
    [property: Id(3)] string FollowUp,
    [property: Id(4)] TaskOutcomeCode OutcomeCode = TaskOutcomeCode.Unspecified,
    [property: Id(5)] string PartnerReference = "");

/// <summary>One entry of a task's history.</summary>
[GenerateSerializer, Alias("coord.TaskEvent")]
public sealed record TaskEvent(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] TaskStatus Status,
    [property: Id(4)] string Text,
    [property: Id(5)] string Method,
    [property: Id(6)] TaskReasonCode ReasonCode = TaskReasonCode.Unspecified,
    [property: Id(7)] TaskOutcomeCode OutcomeCode = TaskOutcomeCode.Unspecified);

/// <summary>The catalogue service a task asks for, as it stood when the task was made.</summary>
[GenerateSerializer, Alias("coord.TaskServiceRef")]
public sealed record TaskServiceRef(
    [property: Id(0)] string ServiceId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] Directory.ServiceCapacity Capacity);

/// <summary>
/// What a new task is: everything its creator decides. A task naming a <see cref="Service"/> may
/// leave <see cref="DueTime"/> at its default: the grain then sets it from the service's response time.
/// </summary>
[GenerateSerializer, Alias("coord.TaskSpec")]
public sealed record TaskSpec(
    [property: Id(0)] TaskKind Kind,
    [property: Id(1)] string CaseId,
    [property: Id(2)] string WardId,
    [property: Id(3)] string AssigneeAgencyId,
    [property: Id(4)] string Title,
    [property: Id(5)] string Instructions,
    [property: Id(6)] TaskPriority Priority,
    [property: Id(7)] DateTimeOffset DueTime,
    [property: Id(8)] ReferralDossier? Dossier,
    [property: Id(9)] string Replaces,
    [property: Id(10)] string? ConferenceId = null,
    [property: Id(11)] TaskServiceRef? Service = null,
    [property: Id(12)] Cases.OverrideRequest? Emergency = null)
{
    /// <summary>For a conference action, the conference (<c>{cluster}/{conference}</c>) that decided it.</summary>
    public string Conference => ConferenceId ?? "";
}

/// <summary>A task as stored and shown.</summary>
[GenerateSerializer, Immutable, Alias("coord.TaskRecord")]
public sealed record TaskRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] TaskSpec Spec,
    [property: Id(2)] TaskStatus Status,
    [property: Id(3)] Actor Assigner,
    [property: Id(4)] TaskCaseSummary? CaseSummary,
    [property: Id(5)] OutcomeReport? Outcome,
    [property: Id(6)] string StatusReason,
    [property: Id(7)] bool OutcomeReviewed,
    [property: Id(8)] string ReplacedBy,
    [property: Id(9)] TaskEvent[] History,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset CreateTime,
    [property: Id(12)] DateTimeOffset UpdateTime,
    // Ids follow the contract's Task field numbers (25, 26) so that fields other changes add cannot collide.
    [property: Id(25)] TaskReasonCode StatusReasonCode = TaskReasonCode.Unspecified,
    [property: Id(26)] int OutcomeSendBacks = 0,
    [property: Id(13)] Cases.ConsentBasis? Consent = null,
    [property: Id(14)] DateTimeOffset? ConsentLimitedTime = null)
{
    /// <summary>
    /// Whether the consent behind the task no longer stands at <paramref name="now"/> (withdrawn, or
    /// past its expiry): the agency then sees only the task and the case summary.
    /// </summary>
    public bool IsConsentLimited(DateTimeOffset now) =>
        ConsentLimitedTime is not null || (Consent is { EmergencyOverride: false, ExpireTime: { } end } && end <= now);

    /// <summary>Whether the task is past due and still open at <paramref name="now"/>.</summary>
    public bool IsOverdue(DateTimeOffset now) => TaskStateMachine.IsOpen(Status) && Spec.DueTime < now;

    /// <summary>
    /// Whether the loop waits for the assigner: the agency completed or failed the task and the
    /// assigner has neither reviewed the outcome nor (for a failure) reassigned the task.
    /// </summary>
    public bool AwaitsReview =>
        !OutcomeReviewed && (Status == TaskStatus.Completed || (Status == TaskStatus.Failed && ReplacedBy.Length == 0));
}
