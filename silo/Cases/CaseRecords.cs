using Coordination.Silo.Common;

namespace Coordination.Silo.Cases;

/// <summary>Where a report came from. Numbers match the contract.</summary>
public enum IntakeSource
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Hotline call.</summary>
    HotlineCall = 1,
    /// <summary>Collaborator report.</summary>
    CollaboratorReport = 2,
    /// <summary>Ward survey.</summary>
    WardSurvey = 3,
    /// <summary>Referral from another unit.</summary>
    Referral = 4,
}

/// <summary>Sex as reported. Numbers match the contract.</summary>
public enum Sex
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Female.</summary>
    Female = 1,
    /// <summary>Male.</summary>
    Male = 2,
    /// <summary>Unknown at intake.</summary>
    Unknown = 3,
}

/// <summary>The person who reported.</summary>
[GenerateSerializer, Alias("coord.Reporter")]
public sealed record Reporter(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string Relationship,
    [property: Id(2)] string Phone,
    [property: Id(3)] string Organization,
    [property: Id(4)] string DoNotContact = "");

/// <summary>The person the case is about.</summary>
[GenerateSerializer, Alias("coord.Person")]
public sealed record Person(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] Sex Sex,
    [property: Id(2)] DateOnly? BirthDate,
    [property: Id(3)] int ApproximateAgeYears,
    [property: Id(4)] string Address,
    [property: Id(5)] string FamilyContact,
    [property: Id(6)] string DoNotContact = "")
{
    /// <summary>Age in whole years at <paramref name="today"/> (from the birth date when known).</summary>
    public int AgeAt(DateOnly today)
    {
        if (BirthDate is not { } b)
        {
            return ApproximateAgeYears;
        }
        var age = today.Year - b.Year;
        return b.AddYears(age) > today ? age - 1 : age;
    }
}

/// <summary>An assessment.</summary>
[GenerateSerializer, Alias("coord.Assessment")]
public sealed record Assessment(
    [property: Id(0)] RiskLevel RiskLevel,
    [property: Id(1)] string Findings,
    [property: Id(2)] string[] Needs,
    [property: Id(3)] Actor AssessedBy,
    [property: Id(4)] DateTimeOffset AssessTime);

/// <summary>One item of a support plan.</summary>
[GenerateSerializer, Alias("coord.PlanItem")]
public sealed record PlanItem(
    [property: Id(0)] string Action,
    [property: Id(1)] string Responsible,
    [property: Id(2)] DateTimeOffset? DueTime);

/// <summary>The support plan.</summary>
[GenerateSerializer, Alias("coord.SupportPlan")]
public sealed record SupportPlan(
    [property: Id(0)] string Goal,
    [property: Id(1)] PlanItem[] Items,
    [property: Id(2)] PlanStatus Status,
    [property: Id(3)] Actor ProposedBy,
    [property: Id(4)] DateTimeOffset ProposeTime,
    [property: Id(5)] Actor? DecidedBy,
    [property: Id(6)] DateTimeOffset? DecideTime,
    [property: Id(7)] string ReturnReason);

/// <summary>Conference flag.</summary>
[GenerateSerializer, Alias("coord.ConferenceFlag")]
public sealed record ConferenceFlag(
    [property: Id(0)] bool Flagged,
    [property: Id(1)] string Reason,
    [property: Id(2)] Actor SetBy,
    [property: Id(3)] DateTimeOffset SetTime);

/// <summary>How a case was closed.</summary>
[GenerateSerializer, Alias("coord.CaseClosure")]
public sealed record CaseClosure(
    [property: Id(0)] string Reason,
    [property: Id(1)] string Outcome,
    [property: Id(2)] Actor ClosedBy,
    [property: Id(3)] DateTimeOffset CloseTime);

/// <summary>What an intake says: the descriptive part of a case, also what UpdateCase changes.</summary>
[GenerateSerializer, Alias("coord.CaseDetails")]
public sealed record CaseDetails(
    [property: Id(0)] IntakeSource Source,
    [property: Id(1)] Reporter Reporter,
    [property: Id(2)] Person Person,
    [property: Id(3)] int[] Categories,
    [property: Id(4)] string Account,
    [property: Id(5)] string CaseWorker);

/// <summary>A case as stored and shown (the timeline is kept beside it).</summary>
[GenerateSerializer, Immutable, Alias("coord.CaseRecord")]
public sealed record CaseRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string WardId,
    [property: Id(2)] string ClusterId,
    [property: Id(3)] CaseDetails Details,
    [property: Id(4)] DateTimeOffset ReportTime,
    [property: Id(5)] CaseStep Step,
    [property: Id(6)] RiskLevel Risk,
    [property: Id(7)] Assessment? InitialAssessment,
    [property: Id(8)] Assessment? DetailedAssessment,
    [property: Id(9)] SupportPlan? Plan,
    [property: Id(10)] string[] TaskIds,
    [property: Id(11)] ConferenceFlag? ConferenceFlag,
    [property: Id(12)] CaseClosure? Closure,
    [property: Id(13)] DateTimeOffset? InterventionStartTime,
    [property: Id(14)] DateTimeOffset? LastReviewTime,
    [property: Id(15)] Actor CreatedBy,
    [property: Id(16)] long Version,
    [property: Id(17)] DateTimeOffset CreateTime,
    [property: Id(18)] DateTimeOffset UpdateTime,
    [property: Id(19)] string[]? SharedWith = null,
    [property: Id(20)] CaseConsent[]? Consents = null,
    [property: Id(21)] EmergencyOverride[]? Overrides = null)
{
    /// <summary>Agencies the full record is shared with.</summary>
    public IReadOnlyList<string> SharedAgencies => SharedWith ?? [];

    /// <summary>Consents recorded on the case, oldest first (withdrawn and expired ones too).</summary>
    public IReadOnlyList<CaseConsent> ConsentList => Consents ?? [];

    /// <summary>Emergency overrides decided on the case, oldest first.</summary>
    public IReadOnlyList<EmergencyOverride> OverrideList => Overrides ?? [];
}

/// <summary>One entry of a case timeline.</summary>
[GenerateSerializer, Immutable, Alias("coord.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] Actor Actor,
    [property: Id(3)] string Method,
    [property: Id(4)] string Action,
    [property: Id(5)] string Detail,
    [property: Id(6)] string Resource,
    [property: Id(7)] CaseStep Step = CaseStep.Unspecified);

/// <summary>What a task needs from its case when it is created.</summary>
[GenerateSerializer, Immutable, Alias("coord.CaseTaskContext")]
public sealed record CaseTaskContext(
    [property: Id(0)] string WardId,
    [property: Id(1)] bool Open,
    [property: Id(2)] string PersonName,
    [property: Id(3)] int AgeYears,
    [property: Id(4)] Sex Sex,
    [property: Id(5)] string Address,
    [property: Id(6)] string FamilyContact,
    [property: Id(7)] string PersonDoNotContact = "",
    [property: Id(8)] string ReporterDoNotContact = "");
