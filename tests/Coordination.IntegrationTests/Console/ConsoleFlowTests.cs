using Coordination.IntegrationTests.Infrastructure;
using System.Text.RegularExpressions;
using Coordination.V1;
using Microsoft.Playwright;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Console;

/// <summary>
/// The Da Nang flow through the browser, from a hotline call to the closed loop, and what each
/// person may reach by typing a URL. Real platform, real console, real Chromium.
/// </summary>
[Collection(Lanes.Work)]
public sealed partial class ConsoleFlowTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private Task<BrowserSession> SignIn(string username, int width = 1280) =>
        BrowserSession.SignInAsync(fixture.Browser, fixture.Console.BaseUrl, username, fixture.Passwords[username], width);

    [Fact]
    public async Task Hotline_call_to_closed_loop_through_the_browser()
    {
        // The officer of Hải Châu I records a hotline call.
        await using var officer = await SignIn("hai-chau-1-officer");
        Assert.EndsWith("/ward", officer.Page.Url);
        await officer.ShotAsync("01-ward-officer");
        await officer.GoAsync("/cases/new");
        await officer.Page.FillAsync("#person-name", "Nguyễn Thị Hằng");
        await officer.Page.SelectOptionAsync("#sex", "Female");
        await officer.Page.FillAsync("#age", "9");
        await officer.Page.CheckAsync("#cat-Abused");
        await officer.Page.FillAsync("#account", "Hàng xóm gọi tổng đài 18001046: nghe tiếng trẻ khóc, bị đánh nhiều lần.");
        await officer.Page.FillAsync("#do-not-contact", "Không gọi số nhà, người cha sống ở đó");
        await officer.ShotAsync("02-intake");
        await officer.SubmitAsync("#person-name");
        Assert.Matches(CaseUrl(), officer.Page.Url);
        var caseId = CaseUrl().Match(officer.Page.Url).Groups[1].Value;

        // Serious risk: the case becomes an emergency and the 12-hour clock appears.
        await officer.Page.SelectOptionAsync("#Initial-risk", "Serious");
        await officer.Page.FillAsync("#Initial-findings", "Trẻ có nhiều vết bầm; người cha đe dọa.");
        await officer.SubmitAsync("#Initial-risk");
        var casePage = await officer.MainTextAsync();
        Assert.Contains("Can thiệp khẩn cấp (12 giờ)", casePage);
        Assert.Matches(@"còn 1[12] giờ", casePage);
        Assert.Contains("Nghiêm trọng", casePage);
        Assert.Contains("Không gọi số nhà, người cha sống ở đó", casePage);
        await officer.ShotAsync("03-case-emergency");

        // The vice-chair sees it in the ward inbox and assigns the police and the health station.
        await using var viceChair = await SignIn("hai-chau-1-vice-chair");
        await viceChair.GoAsync("/inbox");
        var inbox = await viceChair.MainTextAsync();
        Assert.Contains(caseId, inbox);
        Assert.Contains("Ca khẩn cấp", inbox);
        await viceChair.ShotAsync("04-inbox-vice-chair");
        foreach (var (agency, title) in new[] { ("agencies/hai-chau-1-police", "Bảo đảm an toàn cho trẻ"), ("agencies/hai-chau-1-health", "Khám sức khỏe, giám định thương tích") })
        {
            await viceChair.GoAsync("/assign?case=" + caseId);
            // An emergency case suggests an emergency task due in hours.
            Assert.True(await viceChair.Page.IsCheckedAsync("#emergency"));
            await viceChair.Page.SelectOptionAsync("#assignee", agency);
            await viceChair.Page.FillAsync("#title", title);
            await viceChair.Page.FillAsync("#instructions", "Thực hiện ngay, báo cáo kết quả trong ngày.");
            if (agency.EndsWith("police", StringComparison.Ordinal))
            {
                await viceChair.ShotAsync("05-assign");
            }
            await viceChair.ClickAndWaitAsync("form:has(#assignee) button.primary");
            Assert.Contains("done=assigned", viceChair.Page.Url);
        }
        var tasks = await new TaskService.TaskServiceClient(fixture.Platform.Coordinator).ListTasksAsync(new ListTasksRequest { Case = "cases/" + caseId });
        Assert.Equal(2, tasks.Tasks.Count);
        Assert.All(tasks.Tasks, t => Assert.Equal(TaskKind.Emergency, t.Kind));
        var policeTask = tasks.Tasks.Single(t => t.Assignee == "agencies/hai-chau-1-police");

        // A working-day due date is shown before assigning ("5 ngày làm việc" → the date).
        await viceChair.GoAsync("/assign?ward=hai-chau-1");
        await viceChair.Page.FillAsync("#amount", "5");
        await viceChair.ClickAndWaitAsync("button[name='Form.Preview']");
        Assert.Matches(@"Hạn: \d\d/\d\d/\d{4} \d\d:\d\d", await viceChair.MainTextAsync());

        // A catalogue service shows its response time and the due time it gives.
        await viceChair.Page.SelectOptionAsync("#catalogue-service", "agencies/hai-chau-1-justice/services/tro-giup-phap-ly");
        await viceChair.Page.SelectOptionAsync("#unit", "service");
        await viceChair.ClickAndWaitAsync("button[name='Form.Preview']");
        var servicePreview = await viceChair.MainTextAsync();
        Assert.Contains("Thời gian phản hồi: 5 ngày làm việc", servicePreview);
        Assert.Matches(@"Hạn: \d\d/\d\d/\d{4} \d\d:\d\d", servicePreview);

        // The police liaison accepts and completes with an outcome.
        await using var police = await SignIn("hai-chau-1-police-liaison");
        Assert.EndsWith("/tasks", police.Page.Url);
        Assert.Contains(policeTask.Name["tasks/".Length..], await police.MainTextAsync());
        await police.ShotAsync("06-agency-tasks");
        await police.GoAsync("/" + policeTask.Name);
        // The family's safety note reaches the agency before anyone calls.
        Assert.Contains("Không gọi số nhà, người cha sống ở đó", await police.MainTextAsync());
        await police.SubmitAsync("#accept-text");
        Assert.Contains("done=accepted", police.Page.Url);
        await police.Page.FillAsync("#outcome-actions", "Đã đến nhà, tách trẻ khỏi người cha, lập biên bản.");
        await police.Page.FillAsync("#outcome-result", "Trẻ an toàn, đang ở với bà ngoại.");
        await police.SubmitAsync("#outcome-actions");
        Assert.Contains("done=completed", police.Page.Url);
        Assert.Contains("Chờ xem xét kết quả", await police.MainTextAsync());
        await police.ShotAsync("07-task-completed");

        // The liaison keeps the capacity of the police's services current from the directory page.
        await police.GoAsync("/directory");
        await police.Page.ClickAsync("summary:has-text('Phường Hải Châu I')");
        Assert.Contains("Xác minh, xử lý hành vi xâm hại — Thời gian phản hồi: 12 giờ", await police.MainTextAsync());
        var verification = await police.Page.EvalOnSelectorAsync<string>(
            "#cap-service option[value^='agencies/hai-chau-1-police/services/xac-minh-xu-ly#']", "o => o.value");
        await police.Page.SelectOptionAsync("#cap-service", verification);
        await police.Page.SelectOptionAsync("#cap-capacity", "Waitlist");
        await police.Page.FillAsync("#cap-note", "Chờ khoảng 2 ngày");
        await police.SubmitAsync("#cap-note");
        Assert.Contains("done=capacity", police.Page.Url);
        await police.Page.ClickAsync("summary:has-text('Phường Hải Châu I')");
        Assert.Contains("Danh sách chờ (Chờ khoảng 2 ngày)", await police.MainTextAsync());

        // The vice-chair reviews the outcome: the loop is closed.
        await viceChair.GoAsync("/ward");
        Assert.Contains(policeTask.Name["tasks/".Length..], await viceChair.MainTextAsync());
        await viceChair.ShotAsync("08-ward-vice-chair");
        await viceChair.GoAsync("/" + policeTask.Name);
        await viceChair.SubmitAsync("#review-text");
        Assert.Contains("Đã khép vòng", await viceChair.MainTextAsync());

        // The coordinator sees the loop closed in the referral tracker.
        await using var coordinator = await SignIn("coordinator");
        Assert.EndsWith("/dashboard", coordinator.Page.Url);
        var dashboard = await coordinator.MainTextAsync();
        foreach (var ward in new[] { "Phường Hải Châu I", "Phường Thạch Thang", "Phường Thanh Khê Đông", "Phường Xuân Hà", "Phường An Hải Bắc", "Phường Mân Thái" })
        {
            Assert.Contains(ward, dashboard);
        }
        Assert.Contains(caseId, dashboard);
        await coordinator.ShotAsync("09-dashboard");
        await coordinator.GoAsync("/tasks?status=Completed");
        var tracker = await coordinator.MainTextAsync();
        Assert.Contains(policeTask.Name["tasks/".Length..], tracker);
        Assert.Contains("Đã khép vòng", tracker);
        await coordinator.ShotAsync("10-tracker");
        // A switch written as 1 in a typed or bookmarked URL works like a ticked box.
        Assert.Equal(200, await coordinator.GoAsync("/tasks?overdue=1&review=on"));
        Assert.Equal(200, await coordinator.GoAsync("/cases?flagged=1"));
        await coordinator.GoAsync("/" + policeTask.Name);
        Assert.Contains("Xác nhận kết quả (khép vòng)", await coordinator.MainTextAsync());
        await coordinator.GoAsync("/conferences");
        await coordinator.ShotAsync("11-conferences");

        // The case page of the officer lists both tasks with their last word.
        await officer.GoAsync("/cases/" + caseId);
        var final = await officer.MainTextAsync();
        Assert.Contains("Đã khép vòng", final);
        Assert.Contains("Trạm Y tế phường Hải Châu I", final);

        foreach (var p in new[] { officer, viceChair, police, coordinator })
        {
            Assert.Empty(p.Problems);
        }
    }

    [Fact]
    public async Task A_person_who_types_a_URL_outside_their_jurisdiction_sees_the_refusal_not_the_record()
    {
        // A case and a task of Hải Châu I, made through the contract.
        var cases = new CaseService.CaseServiceClient(fixture.Platform.Coordinator);
        var created = await cases.CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/hai-chau-1", Source = IntakeSource.CollaboratorReport, Categories = { CaseCategory.Neglect },
                Person = new Person { DisplayName = "Phạm Văn Bí Mật", Sex = Sex.Male, ApproximateAgeYears = 7 },
            },
        });
        var caseId = created.Name["cases/".Length..];
        var task = await new WardService.WardServiceClient(fixture.Platform.As(new("users/hai-chau-1-vice-chair", "Trần Văn Bình", "WARD_VICE_CHAIR", "wards/hai-chau-1")))
            .AssignTaskAsync(new AssignTaskRequest
            {
                Ward = "wards/hai-chau-1", Case = created.Name, Assignee = "agencies/hai-chau-1-police", Title = "Xác minh", Instructions = "Xác minh tin báo.",
                DueTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)), RequestId = Guid.NewGuid().ToString(),
            });

        // Another ward's officer.
        await using var otherOfficer = await SignIn("thach-thang-officer");
        Assert.Equal(403, await otherOfficer.GoAsync("/cases/" + caseId));
        var refused = await otherOfficer.MainTextAsync();
        Assert.Contains("Không thuộc phạm vi của bạn", refused);
        Assert.DoesNotContain("Bí Mật", refused);
        Assert.Equal(403, await otherOfficer.GoAsync("/wards/hai-chau-1"));
        Assert.Equal(403, await otherOfficer.GoAsync("/" + task.Name));
        await otherOfficer.ShotAsync("12-refusal");

        // Another agency's liaison.
        await using var otherPolice = await SignIn("xuan-ha-police-liaison");
        Assert.Equal(403, await otherPolice.GoAsync("/" + task.Name));
        Assert.DoesNotContain("Bí Mật", await otherPolice.MainTextAsync());
        Assert.Equal(403, await otherPolice.GoAsync("/cases/" + caseId));

        // The police of the case's ward sees its task, with the case summary it needs.
        await using var police = await SignIn("hai-chau-1-police-liaison");
        Assert.Equal(200, await police.GoAsync("/" + task.Name));
        Assert.Contains("Bí Mật", await police.MainTextAsync());

        // An auditor reads, but a write is refused by the platform and nothing is created.
        await using var auditor = await SignIn("auditor");
        Assert.Equal(200, await auditor.GoAsync("/cases/" + caseId));
        var before = (await cases.ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1", PageSize = 500 })).Cases.Count;
        await auditor.GoAsync("/cases/new");
        await auditor.Page.SelectOptionAsync("#ward", "wards/hai-chau-1");
        await auditor.Page.FillAsync("#person-name", "Trẻ của kiểm tra viên");
        await auditor.Page.SelectOptionAsync("#sex", "Male");
        await auditor.Page.FillAsync("#age", "5");
        await auditor.Page.CheckAsync("#cat-Neglect");
        var response = await auditor.ClickAndWaitAsync("form:has(#person-name) button[type=submit]");
        Assert.Equal(403, response!.Status);
        Assert.Contains("Bạn không có quyền thực hiện thao tác này.", await auditor.MainTextAsync());
        Assert.Equal("Trẻ của kiểm tra viên", await auditor.Page.InputValueAsync("#person-name"));
        Assert.Equal(before, (await cases.ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1", PageSize = 500 })).Cases.Count);
    }

    [Fact]
    public async Task Pages_work_on_a_phone_and_every_field_has_a_label()
    {
        await using var officer = await SignIn("hai-chau-1-officer", width: 360);
        foreach (var path in new[] { "/ward", "/cases/new", "/cases", "/tasks", "/inbox", "/conferences", "/account/password" })
        {
            Assert.Equal(200, await officer.GoAsync(path));
            // Nothing wider than the phone (tables scroll inside their own box).
            var width = await officer.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 360, $"{path} is {width} px wide at 360 px");
            var unlabelled = await officer.Page.EvaluateAsync<string[]>(
                "[...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]" +
                ".filter(e => !e.classList.contains('visually-hidden') && e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.name || e.id)");
            Assert.True(unlabelled.Length == 0, $"{path}: fields without a label: {string.Join(", ", unlabelled)}");
        }
        await officer.GoAsync("/cases/new");
        await officer.ShotAsync("13-intake-phone");
        Assert.Empty(officer.Problems);
    }

    [Fact]
    public async Task Sign_in_works_with_the_keyboard_alone()
    {
        await using var person = await BrowserSession.OpenAsync(fixture.Browser, fixture.Console.BaseUrl);
        await person.GoAsync("/signin");
        await person.ShotAsync("00-sign-in");
        await person.Page.FocusAsync("#username");
        await person.Page.Keyboard.TypeAsync("man-thai-officer");
        await person.Page.Keyboard.PressAsync("Tab");
        await person.Page.Keyboard.TypeAsync(fixture.Passwords["man-thai-officer"]);
        await person.NavigateByAsync(() => person.Page.Keyboard.PressAsync("Enter"));
        Assert.EndsWith("/ward", person.Page.Url);
        Assert.Contains("Phường Mân Thái", await person.MainTextAsync());
    }

    [Fact]
    public async Task The_report_page_shows_the_quarter_with_charts_beside_their_tables_and_downloads_the_workbook()
    {
        // Some activity this quarter: a case with a task in Mân Thái.
        var viceChair = new WardService.WardServiceClient(fixture.Platform.As(new("users/man-thai-vice-chair", "Bùi Văn Lộc", "WARD_VICE_CHAIR", "wards/man-thai")));
        var created = await new CaseService.CaseServiceClient(fixture.Platform.Coordinator).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/man-thai", Source = IntakeSource.HotlineCall, Categories = { CaseCategory.DomesticViolence },
                Person = new Person { DisplayName = "Đặng Thị Báo Cáo", Sex = Sex.Female, ApproximateAgeYears = 14 },
            },
        });
        await viceChair.AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/man-thai", Case = created.Name, Assignee = "agencies/man-thai-womens-union", Title = "Tư vấn gia đình", Instructions = "Gặp gia đình.",
            DueTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(5)), RequestId = Guid.NewGuid().ToString(),
        });

        await using var coordinator = await SignIn("coordinator");
        Assert.Equal(200, await coordinator.GoAsync("/reports"));
        var page = await coordinator.MainTextAsync();
        Assert.Matches(@"Toàn thành phố — \d{4}-Q[1-4]", page);
        Assert.Contains("Thời hạn theo luật", page);
        Assert.Contains("Định nghĩa các chỉ tiêu", page);
        Assert.Contains("Bạo lực gia đình", page);
        Assert.Equal(2, await coordinator.Page.Locator("svg.chart").CountAsync());
        await coordinator.ShotAsync("18-reports");

        // The workbook downloads through the console (relayed from the platform's export stream).
        var download = await coordinator.Page.RunAndWaitForDownloadAsync(() => coordinator.Page.ClickAsync("a[href^='/reports/export?'][href$='format=xlsx']"));
        var path = await download.PathAsync();
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.True(bytes.Length > 1000 && bytes[0] == 'P' && bytes[1] == 'K', "an XLSX is a zip");

        // A ward officer gets their ward's report; asking for the city by URL is the platform's refusal.
        await using var officer = await SignIn("man-thai-officer");
        Assert.Equal(200, await officer.GoAsync("/reports"));
        Assert.Contains("Phường Mân Thái", await officer.MainTextAsync());
        Assert.Equal(403, await officer.GoAsync("/reports?scope=city"));
        Assert.Empty(coordinator.Problems);
    }

    [Fact]
    public async Task Consent_is_recorded_on_the_case_page_covers_a_referral_and_is_withdrawn()
    {
        var c = await new CaseService.CaseServiceClient(fixture.Platform.Coordinator).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/hai-chau-1", Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = "Lê Văn Tâm", Sex = Sex.Male, ApproximateAgeYears = 8 },
            },
        });
        var caseId = c.Name["cases/".Length..];
        await using var officer = await SignIn("hai-chau-1-officer");
        async Task Refer()
        {
            await officer.GoAsync($"/cases/{caseId}/refer");
            await officer.Page.SelectOptionAsync("#assignee", "agencies/hai-chau-1-police");
            await officer.Page.FillAsync("#service", "Bảo vệ trẻ");
            await officer.Page.FillAsync("#reason", "Bạo lực gia đình");
            await officer.SubmitAsync("#reason");
        }

        // Without consent the referral is refused, and the page says what to do.
        await Refer();
        var refused = await officer.MainTextAsync();
        Assert.True(refused.Contains("hãy ghi nhận sự đồng ý trước", StringComparison.Ordinal), refused);

        await officer.GoAsync("/cases/" + caseId);
        await officer.Page.SelectOptionAsync("#consent-kind", "Parent");
        await officer.Page.FillAsync("#consent-name", "Trần Thị Mai");
        await officer.Page.FillAsync("#consent-relationship", "Mẹ");
        await officer.Page.CheckAsync("input[name=ConsentKinds][value=Police]");
        await officer.Page.CheckAsync("input[name=ConsentScopes][value=CaseSummary]");
        await officer.Page.FillAsync("#consent-purpose", "Chuyển tuyến bảo vệ");
        await officer.Page.FillAsync("#consent-form", "PĐY-2026-001");
        await officer.SubmitAsync("#consent-name");
        var page = await officer.MainTextAsync();
        Assert.Contains("Trần Thị Mai", page);
        Assert.Contains("Còn hiệu lực", page);

        await Refer();
        Assert.Contains("done=referred", officer.Page.Url);

        await officer.Page.FillAsync("#withdraw-reason", "Mẹ rút lại sự đồng ý");
        await officer.ClickAndWaitAsync("button[name='Withdraw.Agency']");
        Assert.Contains("Đã rút lại", await officer.MainTextAsync());
        Assert.Empty(officer.Problems);
    }

    [GeneratedRegex(@"/cases/([A-Z]{2}-\d{4}-\d{6})\?done=created")]
    private static partial Regex CaseUrl();
}
