using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.Silo.Tasks;

namespace Coordination.UnitTests;

public sealed class ConsentRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(7));
    private static readonly Actor Officer = new("users/o", "Cán bộ", Actor.WardOfficer, "wards/hai-chau-1");

    private static CaseConsent Consent(
        string id = "1", AgencyKind[]? kinds = null, string[]? agencies = null, ConsentScope[]? scopes = null,
        DateTimeOffset? expires = null, DateTimeOffset? withdrawn = null, DateTimeOffset? given = null) =>
        new(id,
            new ConsentTerms(ConsentGiverKind.Parent, "Trần Thị B", "Mẹ", kinds ?? [], agencies ?? [], scopes ?? [ConsentScope.CaseSummary],
                "Chuyển tuyến", given ?? Now.AddDays(-1), expires, "PĐY-1"),
            Officer, Now.AddDays(-1), withdrawn, withdrawn is null ? null : Officer, "", "", "r" + id);

    private static CaseRecord Case(CaseConsent[] consents, string[] shared, EmergencyOverride[]? overrides = null) => new(
        "DN-2026-000001", "hai-chau-1", "hai-chau",
        new CaseDetails(IntakeSource.HotlineCall, new Reporter("", "", "", ""), new Person("Trẻ", Sex.Female, null, 9, "", ""), [1], "", ""),
        Now.AddDays(-10), CaseStep.Received, RiskLevel.Unspecified, null, null, null, [], null, null, null, null, Officer, 1, Now, Now,
        shared, consents, overrides);

    [Fact]
    public void A_referral_needs_the_case_summary_and_sharing_the_full_record()
    {
        Assert.Equal([ConsentScope.CaseSummary], ConsentRules.ForReferral(AgencyKind.Police));
        Assert.Equal([ConsentScope.FullRecord], ConsentRules.ForSharing(AgencyKind.Police));
    }

    [Fact]
    public void Sharing_with_a_health_agency_also_needs_health_information()
    {
        Assert.Equal([ConsentScope.FullRecord, ConsentScope.HealthInformation], ConsentRules.ForSharing(AgencyKind.Health));
        var fullOnly = Consent(kinds: [AgencyKind.Health], scopes: [ConsentScope.FullRecord]);
        var (covering, missing) = ConsentRules.Cover([fullOnly], "benh-vien", AgencyKind.Health, ConsentRules.ForSharing(AgencyKind.Health), Now);
        Assert.Null(covering);
        Assert.Equal([ConsentScope.HealthInformation], missing);
        var health = Consent("2", kinds: [AgencyKind.Health], scopes: [ConsentScope.HealthInformation]);
        Assert.True(ConsentRules.Covers([fullOnly, health], "benh-vien", AgencyKind.Health, ConsentRules.ForSharing(AgencyKind.Health), Now));
    }

    [Fact]
    public void A_consent_covers_an_agency_named_by_id_or_by_kind_and_no_other()
    {
        var byKind = Consent(kinds: [AgencyKind.Police]);
        var byName = Consent(agencies: ["hai-chau-1-health"]);
        Assert.True(ConsentRules.Covers([byKind], "hai-chau-1-police", AgencyKind.Police, [ConsentScope.CaseSummary], Now));
        Assert.True(ConsentRules.Covers([byName], "hai-chau-1-health", AgencyKind.Health, [ConsentScope.CaseSummary], Now));
        Assert.False(ConsentRules.Covers([byName], "xuan-ha-health", AgencyKind.Health, [ConsentScope.CaseSummary], Now));
        Assert.False(ConsentRules.Covers([byKind], "hai-chau-1-justice", AgencyKind.Justice, [ConsentScope.CaseSummary], Now));
    }

    [Fact]
    public void The_full_record_covers_the_summary_but_the_summary_not_the_full_record()
    {
        var full = Consent(kinds: [AgencyKind.Police], scopes: [ConsentScope.FullRecord]);
        var summary = Consent(kinds: [AgencyKind.Police], scopes: [ConsentScope.CaseSummary]);
        Assert.True(ConsentRules.Covers([full], "p", AgencyKind.Police, [ConsentScope.CaseSummary], Now));
        Assert.False(ConsentRules.Covers([summary], "p", AgencyKind.Police, [ConsentScope.FullRecord], Now));
        Assert.False(ConsentRules.Covers([full], "p", AgencyKind.Police, [ConsentScope.HealthInformation], Now));
    }

    [Fact]
    public void A_consent_stops_covering_the_moment_it_expires_or_is_withdrawn()
    {
        var expiring = Consent(kinds: [AgencyKind.Police], expires: Now.AddHours(1));
        Assert.Equal(ConsentState.Current, ConsentRules.StateAt(expiring, Now));
        Assert.True(ConsentRules.Covers([expiring], "p", AgencyKind.Police, [ConsentScope.CaseSummary], Now.AddMinutes(59)));
        Assert.Equal(ConsentState.Expired, ConsentRules.StateAt(expiring, Now.AddHours(1)));
        Assert.False(ConsentRules.Covers([expiring], "p", AgencyKind.Police, [ConsentScope.CaseSummary], Now.AddHours(1)));
        var withdrawn = Consent(kinds: [AgencyKind.Police], withdrawn: Now.AddMinutes(-1));
        Assert.Equal(ConsentState.Withdrawn, ConsentRules.StateAt(withdrawn, Now));
        Assert.False(ConsentRules.Covers([withdrawn], "p", AgencyKind.Police, [ConsentScope.CaseSummary], Now));
    }

    [Fact]
    public void A_consent_dated_in_the_future_does_not_cover_yet()
    {
        var later = Consent(kinds: [AgencyKind.Police], given: Now.AddDays(1));
        Assert.False(ConsentRules.Covers([later], "p", AgencyKind.Police, [ConsentScope.CaseSummary], Now));
    }

    [Fact]
    public void The_cover_ends_with_the_longest_lasting_consent_that_covers()
    {
        var shortOne = Consent("1", kinds: [AgencyKind.Police], expires: Now.AddDays(1));
        var longOne = Consent("2", agencies: ["p"], expires: Now.AddDays(30));
        var (covering, _) = ConsentRules.Cover([shortOne, longOne], "p", AgencyKind.Police, [ConsentScope.CaseSummary], Now);
        Assert.Equal("2", Assert.Single(covering!).Id);
        Assert.Equal(Now.AddDays(30), ConsentRules.CoverEnds(covering!));
    }

    [Fact]
    public void Only_the_wards_vice_chair_or_a_coordinator_may_override()
    {
        Assert.True(ConsentRules.MayOverride(new Actor("users/v", "v", Actor.WardViceChair, "wards/hai-chau-1"), "hai-chau-1"));
        Assert.False(ConsentRules.MayOverride(new Actor("users/v", "v", Actor.WardViceChair, "wards/xuan-ha"), "hai-chau-1"));
        Assert.True(ConsentRules.MayOverride(new Actor("users/c", "c", Actor.CentreCoordinator, "city"), "hai-chau-1"));
        Assert.False(ConsentRules.MayOverride(Officer, "hai-chau-1"));
        Assert.False(ConsentRules.MayOverride(new Actor("users/w", "w", Actor.CaseWorker, "city"), "hai-chau-1"));
    }

    [Fact]
    public void A_share_stands_on_a_current_consent_or_an_override_and_ends_when_its_consent_does()
    {
        var full = Consent(kinds: [AgencyKind.Police], scopes: [ConsentScope.FullRecord], expires: Now.AddHours(1));
        var c = Case([full], ["p"]);
        Assert.True(ConsentRules.SharingStands(c, "p", AgencyKind.Police, Now));
        Assert.False(ConsentRules.SharingStands(c, "p", AgencyKind.Police, Now.AddHours(2)));
        var overridden = Case([full], ["p"], [new EmergencyOverride("p", [ConsentScope.FullRecord], "nguy hiểm", Officer, Now, "SetCaseSharing")]);
        Assert.True(ConsentRules.SharingStands(overridden, "p", AgencyKind.Police, Now.AddHours(2)));
        // Shared before consent records existed: stands until stopped.
        Assert.True(ConsentRules.SharingStands(Case([], ["p"]), "p", AgencyKind.Police, Now));
    }

    [Fact]
    public void The_refusal_names_the_agency_the_data_and_what_to_do()
    {
        var e = ConsentRules.Missing("DN-2026-000001", "hai-chau-1-police", AgencyKind.Police, [ConsentScope.CaseSummary], "a referral");
        Assert.Equal("CONSENT_REQUIRED", e.Reason);
        Assert.Contains("agencies/hai-chau-1-police", e.Message);
        Assert.Contains("CONSENT_DATA_SCOPE_CASE_SUMMARY", e.Message);
        Assert.Contains("RecordConsent", e.Message);
        Assert.Contains("sự đồng ý", e.Message);
    }

    [Fact]
    public void A_task_is_limited_once_its_consent_is_withdrawn_or_expires_but_not_under_an_override()
    {
        var spec = new TaskSpec(TaskKind.Referral, "DN-2026-000001", "hai-chau-1", "p", "t", "i", TaskPriority.Routine, Now.AddDays(3), null, "");
        var task = new TaskRecord("T-1", spec, Silo.Tasks.TaskStatus.Requested, Officer, null, null, "", false, "", [], 1, Now, Now,
            Consent: new ConsentBasis("1", Now.AddHours(1), false));
        Assert.False(task.IsConsentLimited(Now));
        Assert.True(task.IsConsentLimited(Now.AddHours(1)));
        Assert.True((task with { Consent = new ConsentBasis("1", null, false), ConsentLimitedTime = Now }).IsConsentLimited(Now));
        Assert.False((task with { Consent = new ConsentBasis("", null, true) }).IsConsentLimited(Now.AddYears(1)));
    }
}
