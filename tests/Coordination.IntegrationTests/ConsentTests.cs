using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Consent, enforced (issue 12) against one seeded host: referrals and sharing need a covering
/// consent or an emergency override; withdrawal cuts an agency off at once; the do-not-contact note
/// reaches the agency.
/// </summary>
[Collection(Lanes.Clocks)]
public sealed class ConsentTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private const string Ward = "wards/hai-chau-1";
    private const string Police = "agencies/hai-chau-1-police";
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, Ward);
    private static readonly Actor ViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, Ward);
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Hải Châu I", Actor.AgencySystem, Police);

    private CaseService.CaseServiceClient Cases(Actor a) => new(fixture.Host.As(a));

    private TaskService.TaskServiceClient Tasks(Actor a) => new(fixture.Host.As(a));

    private static string Rid() => Guid.NewGuid().ToString();

    private static Timestamp Later => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3));

    private async Task<Case> NewCase(string doNotContact = "") => await Cases(Officer).CreateCaseAsync(new()
    {
        RequestId = Rid(),
        Case = new Case
        {
            Ward = Ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
            Person = new Person { DisplayName = "Trẻ đồng ý", Sex = Sex.Female, ApproximateAgeYears = 9, DoNotContact = doNotContact },
            Reporter = new Reporter { DisplayName = "Hàng xóm", DoNotContact = "Không gọi sau 20 giờ" },
        },
    });

    private static CreateReferralRequest Referral(string caseName, string summary = "Nguy cơ cao") => new()
    {
        Case = caseName, Assignee = Police, DueTime = Later, RequestId = Rid(),
        Dossier = new ReferralDossier { Reason = "Bạo lực gia đình", RequestedService = "Bảo vệ khẩn cấp", AssessmentSummary = summary },
    };

    private Task<Consent> Consent(string caseName, params ConsentDataScope[] scopes) => Cases(Officer).RecordConsentAsync(new()
    {
        Parent = caseName, RequestId = Rid(),
        Consent = new Consent
        {
            GivenByKind = ConsentGiverKind.Parent, GivenByName = "Trần Thị B", Relationship = "Mẹ",
            AgencyKinds = { AgencyKind.Police }, DataScopes = { scopes }, Purpose = "Chuyển tuyến bảo vệ", FormReference = "PĐY-2026-001",
        },
    }).ResponseAsync;

    [Fact]
    public async Task A_referral_is_refused_without_consent_and_allowed_after_it()
    {
        var c = await NewCase();

        var refused = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Tasks(Officer).CreateReferralAsync(Referral(c.Name)).ResponseAsync);
        Assert.Equal("CONSENT_REQUIRED", refused.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Contains(Police, refused.Status.Detail);
        Assert.Contains("CONSENT_DATA_SCOPE_CASE_SUMMARY", refused.Status.Detail);

        var consent = await Consent(c.Name, ConsentDataScope.CaseSummary);
        Assert.Equal(c.Name + "/consents/1", consent.Name);
        Assert.Equal(ConsentState.Current, consent.State);
        var request = Referral(c.Name);
        var task = await Tasks(Officer).CreateReferralAsync(request);
        Assert.Equal(consent.Name, task.Consent);
        // A retry with the same request id is the same referral.
        Assert.Equal(task.Name, (await Tasks(Officer).CreateReferralAsync(request)).Name);

        // Older integrations: consent_given on the dossier records a consent from it.
        var legacyCase = await NewCase();
        var legacy = Referral(legacyCase.Name);
        legacy.Dossier.ConsentGiven = true;
        legacy.Dossier.ConsentBy = "Mẹ: Trần Thị B";
        var legacyTask = await Tasks(Officer).CreateReferralAsync(legacy);
        var withLegacy = await Cases(Officer).GetCaseAsync(new() { Name = legacyCase.Name });
        var recorded = Assert.Single(withLegacy.Consents);
        Assert.Equal(legacyTask.Name, recorded.Source);
        Assert.Equal(recorded.Name, legacyTask.Consent);
    }

    [Fact]
    public async Task An_emergency_override_is_for_the_vice_chair_and_is_audited_and_flagged_on_the_case()
    {
        var c = await NewCase();
        var request = Referral(c.Name);
        request.EmergencyOverride = true;
        request.EmergencyOverrideReason = "Trẻ đang gặp nguy hiểm, mẹ không liên lạc được";

        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Tasks(Officer).CreateReferralAsync(request).ResponseAsync);
        await RpcAssert.FailsWithFields(() => Tasks(ViceChair).CreateReferralAsync(new CreateReferralRequest(request) { EmergencyOverrideReason = "" }).ResponseAsync,
            "emergency_override_reason");
        var task = await Tasks(ViceChair).CreateReferralAsync(request);

        Assert.True(task.EmergencyOverride);
        var flagged = await Cases(Officer).GetCaseAsync(new() { Name = c.Name });
        var o = Assert.Single(flagged.EmergencyOverrides);
        Assert.Equal(Police, o.Agency);
        Assert.Equal(ViceChair.Principal, o.DecidedBy.Principal);
        Assert.Equal("CreateReferral", o.Method);
        var audit = new AuditService.AuditServiceClient(fixture.Host.Coordinator);
        // Audit records are written in batches off the request path: poll until the override's is there.
        bool Audited(AuditEvent e) => e.Method == "coordination.v1.TaskService/CreateReferral" && e.Principal == ViceChair.Principal
            && e.Outcome == "OK" && e.Detail == "EMERGENCY_OVERRIDE: " + request.EmergencyOverrideReason;
        List<AuditEvent> events = [];
        for (var i = 0; i < 100 && !events.Any(Audited); i++)
        {
            events = [.. (await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Case = c.Name, PageSize = 100 })).Events];
            await Task.Delay(100);
        }
        Assert.Contains(events, Audited);
        // The refused attempt is in the trail too, with what it tried.
        Assert.Contains(events, e => e.Principal == Officer.Principal && e.Outcome == "PERMISSION_DENIED" && e.Detail.StartsWith("EMERGENCY_OVERRIDE", StringComparison.Ordinal));
        var timeline = await Cases(Officer).ListCaseTimelineAsync(new() { Name = c.Name });
        Assert.Contains(timeline.Entries, e => e.Action == "EMERGENCY_OVERRIDE");
        // Counted in the ward's report for this quarter (only this test makes an override on this host).
        var vn = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh"));
        var report = await new ReportService.ReportServiceClient(fixture.Host.As(ViceChair)).GetReportAsync(new GetReportRequest
        {
            Scope = Ward, Period = new ReportPeriod { Quarter = $"{vn.Year}-Q{(vn.Month - 1) / 3 + 1}" },
        });
        Assert.Equal(1, report.Cases.EmergencyOverrideCases);
        Assert.Contains(report.Definitions, d => d.Key == "cases.emergency_overrides");
    }

    [Fact]
    public async Task Withdrawing_consent_cuts_a_shared_agency_off_at_once_and_its_feed_says_so()
    {
        var c = await NewCase();
        await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Cases(Officer).SetCaseSharingAsync(new()
        {
            Name = c.Name, Agency = Police, Shared = true, RequestId = Rid(),
        }).ResponseAsync);
        var consent = await Consent(c.Name, ConsentDataScope.FullRecord);
        await Cases(Officer).SetCaseSharingAsync(new() { Name = c.Name, Agency = Police, Shared = true, RequestId = Rid() });
        var task = await Tasks(Officer).CreateReferralAsync(Referral(c.Name, "Đánh giá: nguy cơ cao, có dấu hiệu bạo lực"));
        Assert.Equal("Đánh giá: nguy cơ cao, có dấu hiệu bạo lực", (await Tasks(PoliceSystem).GetTaskAsync(new() { Name = task.Name })).Dossier.AssessmentSummary);
        Assert.Equal(c.Name, (await Cases(PoliceSystem).GetCaseAsync(new() { Name = c.Name })).Name);
        var partner = new PartnerService.PartnerServiceClient(fixture.Host.As(PoliceSystem));
        var before = (await partner.ListEventsAsync(new() { Agency = Police, PageSize = 500 })).Events.Select(e => e.Sequence).DefaultIfEmpty(0).Max();

        var withdrawn = await Cases(Officer).WithdrawConsentAsync(new() { Name = consent.Name, Reason = "Mẹ rút lại sự đồng ý", RequestId = Rid() });

        Assert.Equal(ConsentState.Withdrawn, withdrawn.State);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(PoliceSystem).GetCaseAsync(new() { Name = c.Name }).ResponseAsync);
        var afterCase = await Cases(Officer).GetCaseAsync(new() { Name = c.Name });
        Assert.DoesNotContain(Police, afterCase.SharedWith);
        var view = await Tasks(PoliceSystem).GetTaskAsync(new() { Name = task.Name });
        Assert.True(view.ConsentLimited);
        Assert.Equal("", view.Dossier.AssessmentSummary);
        Assert.Equal("Trẻ đồng ý", view.CaseSummary.PersonName);
        var events = (await partner.ListEventsAsync(new() { Agency = Police, AfterSequence = before, PageSize = 500 })).Events;
        var updated = Assert.Single(events, e => e.Task?.Name == task.Name);
        Assert.Equal(PartnerEventType.TaskUpdated, updated.Type);
        Assert.Contains("consent withdrawn", updated.Detail);
        Assert.Equal("", updated.Task.Dossier.AssessmentSummary);
        // A retried withdrawal changes nothing more.
        await Cases(Officer).WithdrawConsentAsync(new() { Name = consent.Name, Reason = "Mẹ rút lại sự đồng ý", RequestId = Rid() });
        Assert.Single((await partner.ListEventsAsync(new() { Agency = Police, AfterSequence = before, PageSize = 500 })).Events, e => e.Task?.Name == task.Name);
    }

    [Fact]
    public async Task The_do_not_contact_note_reaches_the_agency_in_its_task_view_and_feed()
    {
        var c = await NewCase("Không gọi số nhà, người gây hại sống ở đó");
        Assert.Equal("Không gọi số nhà, người gây hại sống ở đó", c.Person.DoNotContact);
        await Consent(c.Name, ConsentDataScope.CaseSummary);

        var task = await Tasks(Officer).CreateReferralAsync(Referral(c.Name));

        var view = await Tasks(PoliceSystem).GetTaskAsync(new() { Name = task.Name });
        Assert.Equal("Không gọi số nhà, người gây hại sống ở đó", view.CaseSummary.PersonDoNotContact);
        Assert.Equal("Không gọi sau 20 giờ", view.CaseSummary.ReporterDoNotContact);
        var partner = new PartnerService.PartnerServiceClient(fixture.Host.As(PoliceSystem));
        var events = (await partner.ListEventsAsync(new() { Agency = Police, PageSize = 500 })).Events;
        var assigned = Assert.Single(events, e => e.Task?.Name == task.Name && e.Type == PartnerEventType.TaskAssigned);
        Assert.Equal("Không gọi số nhà, người gây hại sống ở đó", assigned.Task.CaseSummary.PersonDoNotContact);
        // Changed on the case, later referrals carry the new note.
        await Cases(Officer).UpdateCaseAsync(new()
        {
            RequestId = Rid(), UpdateMask = new FieldMask { Paths = { "person.do_not_contact" } },
            Case = new Case { Name = c.Name, Person = new Person { DoNotContact = "Chỉ liên lạc qua cô giáo chủ nhiệm" } },
        });
        var second = await Tasks(Officer).CreateReferralAsync(Referral(c.Name));
        Assert.Equal("Chỉ liên lạc qua cô giáo chủ nhiệm", second.CaseSummary.PersonDoNotContact);
    }
}
