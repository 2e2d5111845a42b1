using Coordination.IntegrationTests.Console;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Coordination.V1;
using Google.Rpc;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// A seeded host with the duplicate check on (the suite's other hosts turn it off), the console in
/// front of it and a browser, for the whole class.
/// </summary>
public sealed class IntakeHostFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public TestDatabase Database { get; private set; } = null!;
    public PlatformHost Host { get; private set; } = null!;
    public ConsoleHost Console { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Passwords { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Host = await PlatformHost.StartAsync(Database.ConnectionString, seedDemo: true,
            environment: new Dictionary<string, string> { ["Intake__RefuseDuplicates"] = "true" });
        Passwords = ConsoleFixture.ReadPasswords(Host.DataDirectory);
        Console = await ConsoleHost.StartAsync(Host.GrpcPort, Host.DataDirectory);
        (_playwright, Browser) = await ConsoleFixture.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Console.DisposeAsync();
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Issue 12's intake: search before create, and counselling sessions, on one host.</summary>
[Collection(Lanes.Clocks)]
public sealed class IntakeTests(IntakeHostFixture fixture) : IClassFixture<IntakeHostFixture>
{
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor OtherOfficer = new("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha");
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Police = new("agencies/hai-chau-1-police", "Công an phường Hải Châu I", Actor.AgencySystem, "agencies/hai-chau-1-police");

    private CaseService.CaseServiceClient Cases(Actor a) => new(fixture.Host.As(a));
    private CounsellingService.CounsellingServiceClient Counselling(Actor a) => new(fixture.Host.As(a));

    private static string Rid() => Guid.NewGuid().ToString();

    private static Case Intake(string ward, string name, int age, string phone) => new()
    {
        Ward = ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Neglect },
        Reporter = new Reporter { DisplayName = "Hàng xóm", Relationship = "Hàng xóm", Phone = phone },
        Person = new Person { DisplayName = name, Sex = Sex.Female, ApproximateAgeYears = age },
        Account = "Trẻ thường ở nhà một mình.",
    };

    private static PreconditionFailure DuplicateRefusal(RpcException e)
    {
        var status = e.GetRpcStatus() ?? throw new Xunit.Sdk.XunitException("No google.rpc.Status in the trailers.");
        Assert.Equal("POSSIBLE_DUPLICATE", status.GetDetail<ErrorInfo>()?.Reason);
        var failure = status.GetDetail<PreconditionFailure>() ?? throw new Xunit.Sdk.XunitException("No PreconditionFailure detail.");
        Assert.All(failure.Violations, v => Assert.Equal("POSSIBLE_DUPLICATE", v.Type));
        return failure;
    }

    [Fact]
    public async Task A_duplicate_intake_is_refused_until_the_officer_acknowledges_it_and_a_retry_is_not_refused()
    {
        var create = new CreateCaseRequest { Case = Intake("wards/hai-chau-1", "Nguyễn Thị Hằng", 9, "0905 111 222"), RequestId = Rid() };
        var first = await Cases(Officer).CreateCaseAsync(create);

        // The search: no diacritics, another word order, +84 phone.
        var found = await Cases(Officer).FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest
        {
            PersonDisplayName = "hang nguyen thi", ApproximateAgeYears = 10, Ward = "wards/hai-chau-1", Phone = "+84 905 111 222",
        });
        Assert.Equal(0.65, found.StrongThreshold);
        var candidate = Assert.Single(found.Candidates);
        Assert.Equal(first.Name, candidate.Case);
        Assert.Equal("Nguyễn Thị Hằng", candidate.PersonDisplayName);
        Assert.Equal(1.0, candidate.Score);
        Assert.True(candidate.Strong);
        Assert.False(candidate.Restricted);
        Assert.Equal([DuplicateMatchReason.Name, DuplicateMatchReason.Age, DuplicateMatchReason.Ward, DuplicateMatchReason.Phone], candidate.Reasons);

        // A second intake of the same child is refused, naming the case.
        var again = new CreateCaseRequest { Case = Intake("wards/hai-chau-1", "Hằng Nguyễn Thị", 9, ""), RequestId = Rid() };
        var refused = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Cases(Officer).CreateCaseAsync(again).ResponseAsync);
        Assert.Equal([first.Name], DuplicateRefusal(refused).Violations.Select(v => v.Subject));

        // A retry of the first create still returns its case.
        Assert.Equal(first.Name, (await Cases(Officer).CreateCaseAsync(create)).Name);

        // Acknowledged ("đây là trường hợp khác"): opened.
        again.AcknowledgedDuplicates.Add(first.Name);
        var second = await Cases(Officer).CreateCaseAsync(again);
        Assert.NotEqual(first.Name, second.Name);

        // A weak match (same name, another age, no phone) is listed but does not block.
        var weak = await Cases(Officer).CreateCaseAsync(new CreateCaseRequest { Case = Intake("wards/hai-chau-1", "Nguyen Thi Hang", 15, ""), RequestId = Rid() });
        Assert.StartsWith("cases/", weak.Name);

        await RpcAssert.FailsWithFields(() => Cases(Officer).FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest { BirthYear = 1800, ApproximateAgeYears = -1 }).ResponseAsync,
            "person_display_name", "ward", "birth_year", "approximate_age_years");
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(Officer).FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest
        {
            PersonDisplayName = "Nguyễn Thị Hằng", Ward = "wards/xuan-ha",
        }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(Police).FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest
        {
            PersonDisplayName = "Nguyễn Thị Hằng", Ward = "wards/hai-chau-1",
        }).ResponseAsync);

        // The search disclosed the case: the audit trail says so (it is written behind the call).
        Assert.True(await AuditedAsync(first.Name, "FindPossibleDuplicates"), "FindPossibleDuplicates is not in the case's audit trail");
    }

    private async Task<bool> AuditedAsync(string caseName, string method)
    {
        var audit = new AuditService.AuditServiceClient(fixture.Host.As(Coordinator));
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var events = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Case = caseName, PageSize = 500 });
            if (events.Events.Any(e => e.Method.EndsWith(method, StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    [Fact]
    public async Task A_match_in_another_ward_shows_only_that_ward_never_the_case()
    {
        var theirs = await Cases(OtherOfficer).CreateCaseAsync(new CreateCaseRequest { Case = Intake("wards/xuan-ha", "Lê Văn Tèo", 8, "0236 123 4567"), RequestId = Rid() });

        var intake = new CreateCaseRequest { Case = Intake("wards/hai-chau-1", "Le Van Teo", 8, ""), RequestId = Rid() };
        var refused = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Cases(Officer).CreateCaseAsync(intake).ResponseAsync);
        var violation = Assert.Single(DuplicateRefusal(refused).Violations);
        Assert.Equal("wards/xuan-ha", violation.Subject);
        Assert.Contains("Xuân Hà", violation.Description);
        var idOnly = theirs.Name["cases/".Length..];
        Assert.DoesNotContain(idOnly, violation.Description + refused.Status.Detail);
        Assert.DoesNotContain("Tèo", violation.Description + refused.Status.Detail);

        var found = await Cases(Officer).FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest { PersonDisplayName = "Lê Văn Tèo", ApproximateAgeYears = 8, Ward = "wards/hai-chau-1" });
        var hidden = Assert.Single(found.Candidates);
        Assert.True(hidden.Restricted);
        Assert.True(hidden.Strong);
        Assert.Equal(("", "", 0.0, 0), (hidden.Case, hidden.PersonDisplayName, hidden.Score, hidden.Reasons.Count));
        Assert.Equal("wards/xuan-ha", hidden.Ward);

        // The Centre sees the case itself.
        var seen = await Cases(Coordinator).FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest { PersonDisplayName = "Lê Văn Tèo", ApproximateAgeYears = 8, Ward = "wards/hai-chau-1" });
        Assert.Equal(theirs.Name, Assert.Single(seen.Candidates).Case);

        // The officer asked Xuân Hà's office: another child. Acknowledging the ward opens the case.
        intake.AcknowledgedDuplicates.Add("wards/xuan-ha");
        Assert.Equal("wards/hai-chau-1", (await Cases(Officer).CreateCaseAsync(intake)).Ward);
    }

    [Fact]
    public async Task Counselling_sessions_are_recorded_listed_linked_and_counted_in_reports()
    {
        var vn = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh"));
        var today = new CalendarDate { Year = vn.Year, Month = vn.Month, Day = vn.Day };
        var period = new ReportPeriod { Dates = new DateRange { StartDate = today, EndDate = today } };
        var reports = new ReportService.ReportServiceClient(fixture.Host.As(Coordinator));
        // The console test of this class records sessions too: count from what is there now.
        var cityBefore = (await reports.GetReportAsync(new GetReportRequest { Scope = "city", Period = period })).Counselling;
        var wardBefore = (await reports.GetReportAsync(new GetReportRequest { Scope = "wards/hai-chau-1", Period = period })).Counselling;
        long Channel(CounsellingStatistics s, CounsellingChannel c) => s.ByChannel.Single(x => x.Channel == c).Sessions;
        long Topic(CounsellingStatistics s, CounsellingTopic t) => s.ByTopic.Single(x => x.Topic == t).Sessions;

        // An anonymous hotline call the Centre took, city-wide, never a case.
        var call = new RecordCounsellingSessionRequest
        {
            RequestId = Rid(),
            CounsellingSession = new CounsellingSession
            {
                Channel = CounsellingChannel.Hotline, Topics = { CounsellingTopic.DomesticViolence, CounsellingTopic.Psychological },
                DurationMinutes = 25, FollowUpNeeded = true, Note = "Người gọi giấu tên, hỏi về nơi tạm lánh.",
            },
        };
        var anonymous = await Counselling(Coordinator).RecordCounsellingSessionAsync(call);
        Assert.Matches(@"^counsellingSessions/TV-20\d\d-\d{6}$", anonymous.Name);
        Assert.Equal(("", "", "users/coordinator"), (anonymous.Ward, anonymous.Case, anonymous.Counsellor));
        Assert.Equal(anonymous, await Counselling(Coordinator).RecordCounsellingSessionAsync(call));

        // A ward officer's session in person (the ward defaults to hers).
        var visit = await Counselling(Officer).RecordCounsellingSessionAsync(new RecordCounsellingSessionRequest
        {
            RequestId = Rid(),
            CounsellingSession = new CounsellingSession { Channel = CounsellingChannel.InPerson, Topics = { CounsellingTopic.FamilyConflict }, DurationMinutes = 40 },
        });
        Assert.Equal("wards/hai-chau-1", visit.Ward);

        // Listing: the ward sees its own, not the Centre's city-wide call; agencies see nothing.
        var wardList = await Counselling(Officer).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest());
        Assert.Contains(visit.Name, wardList.CounsellingSessions.Select(s => s.Name));
        Assert.DoesNotContain(anonymous.Name, wardList.CounsellingSessions.Select(s => s.Name));
        Assert.All(wardList.CounsellingSessions, s => Assert.Equal("wards/hai-chau-1", s.Ward));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Counselling(Officer).GetCounsellingSessionAsync(new GetCounsellingSessionRequest { Name = anonymous.Name }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Counselling(Police).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest()).ResponseAsync);
        var byCounsellor = await Counselling(Coordinator).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest { Counsellor = "users/coordinator" });
        Assert.Equal([anonymous.Name], byCounsellor.CounsellingSessions.Select(s => s.Name));
        var paged = await Counselling(Coordinator).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest { PageSize = 1 });
        Assert.Single(paged.CounsellingSessions);
        Assert.NotEmpty(paged.NextPageToken);
        var rest = await Counselling(Coordinator).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest { PageSize = 1, PageToken = paged.NextPageToken });
        Assert.NotEqual(paged.CounsellingSessions[0].Name, Assert.Single(rest.CounsellingSessions).Name);
        Assert.True(paged.CounsellingSessions[0].SessionTime.ToDateTimeOffset() >= rest.CounsellingSessions[0].SessionTime.ToDateTimeOffset());

        // A case is opened after the visit; the session is linked to it, and listed with it.
        var opened = await Cases(Officer).CreateCaseAsync(new CreateCaseRequest { Case = Intake("wards/hai-chau-1", "Phạm Minh Khôi", 11, ""), RequestId = Rid() });
        var link = new LinkCounsellingSessionRequest { Name = visit.Name, Case = opened.Name, Etag = visit.Etag, RequestId = Rid() };
        var linked = await Counselling(Officer).LinkCounsellingSessionAsync(link);
        Assert.Equal(opened.Name, linked.Case);
        Assert.NotEqual(visit.Etag, linked.Etag);
        Assert.Equal(linked, await Counselling(Officer).LinkCounsellingSessionAsync(link));
        var other = await Cases(Officer).CreateCaseAsync(new CreateCaseRequest { Case = Intake("wards/hai-chau-1", "Võ Thị Mai", 6, ""), RequestId = Rid() });
        await RpcAssert.Fails(StatusCode.Aborted, () => Counselling(Officer).LinkCounsellingSessionAsync(new LinkCounsellingSessionRequest
        {
            Name = visit.Name, Case = other.Name, Etag = visit.Etag, RequestId = Rid(),
        }).ResponseAsync);
        var onCase = await Counselling(Officer).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest { Case = opened.Name });
        Assert.Equal([visit.Name], onCase.CounsellingSessions.Select(s => s.Name));

        await RpcAssert.FailsWithFields(() => Counselling(Officer).RecordCounsellingSessionAsync(new RecordCounsellingSessionRequest
        {
            CounsellingSession = new CounsellingSession { DurationMinutes = 0, Note = new string('x', 2001) },
        }).ResponseAsync,
            "request_id", "counselling_session.channel", "counselling_session.topics", "counselling_session.duration_minutes", "counselling_session.note");

        // The report counts them by channel and topic, for the scope.
        var city = (await reports.GetReportAsync(new GetReportRequest { Scope = "city", Period = period })).Counselling;
        Assert.Equal(2, city.Sessions - cityBefore.Sessions);
        Assert.Equal(1, Channel(city, CounsellingChannel.Hotline) - Channel(cityBefore, CounsellingChannel.Hotline));
        Assert.Equal(1, Channel(city, CounsellingChannel.InPerson) - Channel(cityBefore, CounsellingChannel.InPerson));
        Assert.Equal(0, Channel(city, CounsellingChannel.Online) - Channel(cityBefore, CounsellingChannel.Online));
        Assert.Equal(1, Topic(city, CounsellingTopic.DomesticViolence) - Topic(cityBefore, CounsellingTopic.DomesticViolence));
        Assert.Equal(1, Topic(city, CounsellingTopic.FamilyConflict) - Topic(cityBefore, CounsellingTopic.FamilyConflict));
        Assert.Equal((1L, 1L, 65L), (city.FollowUpNeeded - cityBefore.FollowUpNeeded, city.WithoutCase - cityBefore.WithoutCase, city.TotalMinutes - cityBefore.TotalMinutes));
        var ward = (await reports.GetReportAsync(new GetReportRequest { Scope = "wards/hai-chau-1", Period = period })).Counselling;
        Assert.Equal(1, ward.Sessions - wardBefore.Sessions);
        Assert.Equal(0, Channel(ward, CounsellingChannel.Hotline) - Channel(wardBefore, CounsellingChannel.Hotline));
        Assert.Null((await reports.GetReportAsync(new GetReportRequest { Scope = "agencies/hai-chau-1-police", Period = period })).Counselling);

        // The audit trail records the reads and changes, as for cases.
        Assert.True(await AuditedAsync(opened.Name, "LinkCounsellingSession"), "LinkCounsellingSession is not in the case's audit trail");
    }

    [Fact]
    public async Task The_console_shows_the_candidates_and_opens_the_case_once_the_officer_confirms_and_records_counselling()
    {
        await using var officer = await BrowserSession.SignInAsync(fixture.Browser, fixture.Console.BaseUrl, "hai-chau-1-officer", fixture.Passwords["hai-chau-1-officer"]);
        async Task FillIntake(string name)
        {
            await officer.GoAsync("/cases/new");
            await officer.Page.FillAsync("#person-name", name);
            await officer.Page.SelectOptionAsync("#sex", "Female");
            await officer.Page.FillAsync("#age", "7");
            await officer.Page.CheckAsync("#cat-Neglect");
        }
        await FillIntake("Trần Thị Bích Ngọc");
        await officer.SubmitAsync("#person-name");
        var first = System.Text.RegularExpressions.Regex.Match(officer.Page.Url, @"/cases/(DN-\d{4}-\d{6})").Groups[1].Value;
        Assert.NotEmpty(first);

        // The same child typed without diacritics, in another order: the candidates, not a case.
        await FillIntake("Ngoc Tran Thi Bich");
        await officer.SubmitAsync("#person-name");
        Assert.EndsWith("/cases/new", officer.Page.Url);
        var page = await officer.MainTextAsync();
        Assert.Contains("Người này có thể đã có hồ sơ", page);
        Assert.Contains(first, page);
        Assert.Equal("Ngoc Tran Thi Bich", await officer.Page.InputValueAsync("#person-name"));

        // "Đây là trường hợp khác": the case opens.
        await officer.ClickAndWaitAsync("button[name='Intake.Confirmed']");
        var second = System.Text.RegularExpressions.Regex.Match(officer.Page.Url, @"/cases/(DN-\d{4}-\d{6})").Groups[1].Value;
        Assert.NotEmpty(second);
        Assert.NotEqual(first, second);

        // A counselling session on that case, from the case page; the case lists it.
        await officer.ClickAndWaitAsync($"a[href='/counselling?case={second}']");
        await officer.Page.SelectOptionAsync("#s-channel", "Phone");
        await officer.Page.CheckAsync("#topic-ChildCare");
        await officer.Page.FillAsync("#s-minutes", "15");
        await officer.SubmitAsync("#s-minutes");
        Assert.Contains($"/cases/{second}", officer.Page.Url);
        Assert.Contains("Chăm sóc trẻ em", await officer.Page.InnerTextAsync("#counselling"));

        // The Tư vấn page lists it; the report page counts it.
        Assert.Equal(200, await officer.GoAsync("/counselling"));
        Assert.Contains(second, await officer.MainTextAsync());
        Assert.Equal(200, await officer.GoAsync("/reports"));
        Assert.Contains("Theo hình thức", await officer.MainTextAsync());
        Assert.Empty(officer.Problems);
    }
}
