using Coordination.Silo.Common;
using Coordination.Silo.Directory;

namespace Coordination.Silo.Cases;

/// <summary>Who gave a consent. Numbers match the contract (ConsentGiverKind).</summary>
public enum ConsentGiverKind
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>The child.</summary>
    Child = 1,
    /// <summary>A parent.</summary>
    Parent = 2,
    /// <summary>A guardian.</summary>
    Guardian = 3,
}

/// <summary>Which data a consent covers. Numbers match the contract (ConsentDataScope).</summary>
public enum ConsentScope
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>The case summary and referral dossier a task carries.</summary>
    CaseSummary = 1,
    /// <summary>The full case record (covers the summary too).</summary>
    FullRecord = 2,
    /// <summary>Health information.</summary>
    HealthInformation = 3,
}

/// <summary>Whether a consent is in force. Numbers match the contract (ConsentState).</summary>
public enum ConsentState
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>In force.</summary>
    Current = 1,
    /// <summary>Withdrawn.</summary>
    Withdrawn = 2,
    /// <summary>Expired.</summary>
    Expired = 3,
}

/// <summary>What the paper form says: who consented, to what, for which agencies, until when.</summary>
[GenerateSerializer, Immutable, Alias("coord.ConsentTerms")]
public sealed record ConsentTerms(
    [property: Id(0)] ConsentGiverKind GivenByKind,
    [property: Id(1)] string GivenByName,
    [property: Id(2)] string Relationship,
    [property: Id(3)] AgencyKind[] AgencyKinds,
    [property: Id(4)] string[] AgencyIds,
    [property: Id(5)] ConsentScope[] Scopes,
    [property: Id(6)] string Purpose,
    [property: Id(7)] DateTimeOffset? GiveTime,
    [property: Id(8)] DateTimeOffset? ExpireTime,
    [property: Id(9)] string FormReference);

/// <summary>A consent recorded on a case (id: its number within the case).</summary>
[GenerateSerializer, Immutable, Alias("coord.CaseConsent")]
public sealed record CaseConsent(
    [property: Id(0)] string Id,
    [property: Id(1)] ConsentTerms Terms,
    [property: Id(2)] Actor RecordedBy,
    [property: Id(3)] DateTimeOffset RecordTime,
    [property: Id(4)] DateTimeOffset? WithdrawTime,
    [property: Id(5)] Actor? WithdrawnBy,
    [property: Id(6)] string WithdrawReason,
    [property: Id(7)] string Source,
    [property: Id(8)] string RequestId)
{
    /// <summary>When it took effect (the date on the form, or when it was recorded).</summary>
    public DateTimeOffset GiveTime => Terms.GiveTime ?? RecordTime;
}

/// <summary>A referral or sharing made without consent on a vice-chair's or coordinator's decision.</summary>
[GenerateSerializer, Immutable, Alias("coord.EmergencyOverride")]
public sealed record EmergencyOverride(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] ConsentScope[] Scopes,
    [property: Id(2)] string Reason,
    [property: Id(3)] Actor DecidedBy,
    [property: Id(4)] DateTimeOffset DecideTime,
    [property: Id(5)] string Method);

/// <summary>What passing data to an agency rests on: a consent, or an emergency override.</summary>
[GenerateSerializer, Immutable, Alias("coord.ConsentBasis")]
public sealed record ConsentBasis(
    [property: Id(0)] string ConsentId,
    [property: Id(1)] DateTimeOffset? ExpireTime,
    [property: Id(2)] bool EmergencyOverride);

/// <summary>An emergency override asked for with a referral or a sharing.</summary>
[GenerateSerializer, Immutable, Alias("coord.OverrideRequest")]
public sealed record OverrideRequest(
    [property: Id(0)] string Reason);

/// <summary>
/// The consent rules, pure: which data each use needs, whether a consent is in force at a time,
/// and whether the case's consents cover an agency for that data.
/// </summary>
public static class ConsentRules
{
    /// <summary>What a referral passes to the agency: the case summary (and the dossier).</summary>
    public static ConsentScope[] ForReferral(AgencyKind kind) => [ConsentScope.CaseSummary];

    /// <summary>
    /// What sharing the full record passes: the full record, and health information as well when
    /// the agency is a health agency (the record goes into a health provider's files).
    /// </summary>
    public static ConsentScope[] ForSharing(AgencyKind kind) =>
        kind == AgencyKind.Health ? [ConsentScope.FullRecord, ConsentScope.HealthInformation] : [ConsentScope.FullRecord];

    /// <summary>The consent's state at <paramref name="now"/>.</summary>
    public static ConsentState StateAt(CaseConsent c, DateTimeOffset now) =>
        c.WithdrawTime is not null ? ConsentState.Withdrawn
        : c.Terms.ExpireTime is { } end && end <= now ? ConsentState.Expired
        : ConsentState.Current;

    /// <summary>Whether the consent names the agency (by id or by its kind).</summary>
    public static bool Names(CaseConsent c, string agencyId, AgencyKind kind) =>
        c.Terms.AgencyIds.Contains(agencyId) || (kind != AgencyKind.Unspecified && c.Terms.AgencyKinds.Contains(kind));

    /// <summary>Whether the consent's scopes include <paramref name="scope"/> (the full record includes the summary).</summary>
    public static bool Includes(CaseConsent c, ConsentScope scope) =>
        c.Terms.Scopes.Contains(scope) || (scope == ConsentScope.CaseSummary && c.Terms.Scopes.Contains(ConsentScope.FullRecord));

    /// <summary>
    /// The current consents that together cover every one of <paramref name="scopes"/> for the
    /// agency, or null (with the scopes still missing) when they do not.
    /// </summary>
    public static (CaseConsent[]? Covering, ConsentScope[] Missing) Cover(
        IEnumerable<CaseConsent> consents, string agencyId, AgencyKind kind, IReadOnlyCollection<ConsentScope> scopes, DateTimeOffset now)
    {
        var current = consents.Where(c => StateAt(c, now) == ConsentState.Current && c.GiveTime <= now && Names(c, agencyId, kind)).ToList();
        var covering = new List<CaseConsent>();
        var missing = new List<ConsentScope>();
        foreach (var scope in scopes)
        {
            // The longest-lasting consent that includes the scope.
            var best = current.Where(c => Includes(c, scope)).OrderByDescending(c => c.Terms.ExpireTime ?? DateTimeOffset.MaxValue).FirstOrDefault();
            if (best is null)
            {
                missing.Add(scope);
            }
            else if (!covering.Contains(best))
            {
                covering.Add(best);
            }
        }
        return missing.Count == 0 ? ([.. covering], []) : (null, [.. missing]);
    }

    /// <summary>Whether the agency is covered for every one of <paramref name="scopes"/> at <paramref name="now"/>.</summary>
    public static bool Covers(IEnumerable<CaseConsent> consents, string agencyId, AgencyKind kind, IReadOnlyCollection<ConsentScope> scopes, DateTimeOffset now) =>
        Cover(consents, agencyId, kind, scopes, now).Covering is not null;

    /// <summary>When the cover ends: the earliest expiry among the covering consents (null: never).</summary>
    public static DateTimeOffset? CoverEnds(IEnumerable<CaseConsent> covering) =>
        covering.Select(c => c.Terms.ExpireTime).Where(t => t is not null).Min();

    /// <summary>Who may decide an emergency override: the case ward's vice-chair or a Centre coordinator.</summary>
    public static bool MayOverride(Actor actor, string wardId) =>
        actor.IsViceChairOf(wardId) || actor.Role == Actor.CentreCoordinator;

    /// <summary>Whether an emergency override stands for the agency and every one of <paramref name="scopes"/>.</summary>
    public static bool Overridden(IEnumerable<EmergencyOverride> overrides, string agencyId, IReadOnlyCollection<ConsentScope> scopes) =>
        scopes.All(s => overrides.Any(o => o.AgencyId == agencyId && o.Scopes.Contains(s)));

    /// <summary>
    /// Whether sharing the full record with the agency still stands at <paramref name="now"/>: a
    /// current consent covers it, or an emergency override decided it. A share no consent ever
    /// covered predates consent records and stands until it is stopped; one whose consents were
    /// all withdrawn or expired does not.
    /// </summary>
    public static bool SharingStands(CaseRecord c, string agencyId, AgencyKind kind, DateTimeOffset now)
    {
        var scopes = ForSharing(kind);
        if (Covers(c.ConsentList, agencyId, kind, scopes, now) || Overridden(c.OverrideList, agencyId, scopes))
        {
            return true;
        }
        return !c.ConsentList.Any(x => Names(x, agencyId, kind) && Includes(x, ConsentScope.FullRecord));
    }

    /// <summary>The scope's name in the contract, for messages.</summary>
    public static string ContractName(ConsentScope scope) => scope switch
    {
        ConsentScope.CaseSummary => "CONSENT_DATA_SCOPE_CASE_SUMMARY",
        ConsentScope.FullRecord => "CONSENT_DATA_SCOPE_FULL_RECORD",
        ConsentScope.HealthInformation => "CONSENT_DATA_SCOPE_HEALTH_INFORMATION",
        _ => "CONSENT_DATA_SCOPE_UNSPECIFIED",
    };

    /// <summary>The refusal for a use the consents do not cover, naming the agency and the missing data.</summary>
    public static FailedPreconditionException Missing(string caseId, string agencyId, AgencyKind kind, IEnumerable<ConsentScope> missing, string use)
    {
        var scopes = string.Join(", ", missing.Select(ContractName));
        return new FailedPreconditionException("CONSENT_REQUIRED",
            $"No current consent on cases/{caseId} covers agencies/{agencyId} ({kind}) for {scopes}, which {use} needs: record the consent first "
            + $"(CaseService.RecordConsent), or a vice-chair or coordinator may record an emergency override with a reason / "
            + $"chưa có sự đồng ý còn hiệu lực cho cơ quan này và dữ liệu này: hãy ghi nhận sự đồng ý trước (hoặc lãnh đạo phường, điều phối viên quyết định khẩn cấp).");
    }
}
