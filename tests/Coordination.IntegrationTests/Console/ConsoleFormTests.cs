using System.Text.RegularExpressions;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Microsoft.Playwright;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Console;

/// <summary>
/// Forms that forgive: a language of one's own, a stale edit that keeps what was typed, a double
/// submit with one effect, and the sessions: five wrong passwords lock, sign-out ends it. Part of
/// <see cref="ConsoleFlowTests"/> so that both share one platform, console and browser (each set
/// took half a minute of a 2-core machine to start); the accounts they sign in with do not overlap.
/// </summary>
public sealed partial class ConsoleFlowTests
{
    private async Task<string> NewCaseAsync(string name)
    {
        var created = await new CaseService.CaseServiceClient(fixture.Platform.Coordinator).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/xuan-ha", Source = IntakeSource.WardSurvey, Categories = { CaseCategory.Disability },
                Person = new Coordination.V1.Person { DisplayName = name, Sex = Sex.Female, ApproximateAgeYears = 12, Address = "Tổ 5, phường Xuân Hà" },
            },
        });
        return created.Name["cases/".Length..];
    }

    [Fact]
    public async Task Vietnamese_by_default_English_when_a_person_chooses_it_and_kept_for_their_next_sign_in()
    {
        await using (var officer = await SignIn("xuan-ha-vice-chair"))
        {
            Assert.Contains("Đăng xuất", await officer.Page.InnerTextAsync("header"));
            Assert.Equal("vi", await officer.Page.GetAttributeAsync("html", "lang"));
            await officer.ClickAndWaitAsync("header button:has-text('English')");
            Assert.EndsWith("/ward", officer.Page.Url);
            Assert.Contains("Sign out", await officer.Page.InnerTextAsync("header"));
            Assert.Contains("What needs you today", await officer.MainTextAsync());
            Assert.Equal("en", await officer.Page.GetAttributeAsync("html", "lang"));
            await officer.ShotAsync("14-ward-english");
        }
        // A new browser, the same person: English, because the account keeps the choice.
        await using (var again = await SignIn("xuan-ha-vice-chair"))
        {
            Assert.Contains("Sign out", await again.Page.InnerTextAsync("header"));
            await again.ClickAndWaitAsync("header button:has-text('Tiếng Việt')");
            Assert.Contains("Đăng xuất", await again.Page.InnerTextAsync("header"));
        }
    }

    [Fact]
    public async Task A_stale_edit_says_someone_else_changed_the_case_shows_the_new_version_and_keeps_what_was_typed()
    {
        var caseId = await NewCaseAsync("Võ Thị Cẩm Tú");
        await using var first = await SignIn("xuan-ha-officer");
        await using var second = await SignIn("xuan-ha-vice-chair");
        await first.GoAsync($"/cases/{caseId}/edit");
        await second.GoAsync($"/cases/{caseId}/edit");

        await first.Page.FillAsync("#address", "Kiệt 12 Hà Huy Tập, phường Xuân Hà");
        await first.SubmitAsync("#address");
        Assert.Contains("done=saved", first.Page.Url);

        const string typed = "Mẹ cho biết cháu bỏ học từ tháng 9; cần hỗ trợ đi học lại.";
        await second.Page.FillAsync("#account", typed);
        await second.SubmitAsync("#account");
        var text = await second.MainTextAsync();
        Assert.Contains("Người khác vừa thay đổi hồ sơ này", text);
        Assert.Contains("Kiệt 12 Hà Huy Tập", await second.Page.InnerTextAsync(".stale"));
        Assert.Equal(typed, await second.Page.InputValueAsync("#account"));
        await second.ShotAsync("15-stale-edit");

        // Saving deliberately after seeing the new version goes through.
        await second.SubmitAsync("#account");
        Assert.Contains("done=saved", second.Page.Url);
        var saved = await new CaseService.CaseServiceClient(fixture.Platform.Coordinator).GetCaseAsync(new GetCaseRequest { Name = "cases/" + caseId });
        Assert.Equal(typed, saved.Account);
    }

    [Fact]
    public async Task A_double_submit_of_the_intake_form_opens_one_case()
    {
        var name = "Lê Thị Hai Lần " + Suffix();
        await using var officer = await SignIn("xuan-ha-officer");
        await officer.GoAsync("/cases/new");
        await officer.Page.FillAsync("#person-name", name);
        await officer.Page.SelectOptionAsync("#sex", "Female");
        await officer.Page.FillAsync("#age", "6");
        await officer.Page.CheckAsync("#cat-Neglect");
        // The same form sent twice at once (a double click on a slow link, a retry after a timeout).
        var statuses = await officer.Page.EvaluateAsync<int[]>(@"async () => {
            const form = document.querySelector('form:has(#person-name)');
            const body = () => new URLSearchParams(new FormData(form));
            const send = () => fetch(form.action, { method: 'POST', body: body(), redirect: 'manual' }).then(r => r.type === 'opaqueredirect' ? 302 : r.status);
            return Promise.all([send(), send()]);
        }");
        Assert.All(statuses, s => Assert.Equal(302, s));
        // And a double click on the button itself.
        await officer.NavigateByAsync(() => officer.Page.DblClickAsync("form:has(#person-name) button[type=submit]"));
        Assert.Matches(@"/cases/[A-Z]{2}-\d{4}-\d{6}\?done=created", officer.Page.Url);

        var found = await new CaseService.CaseServiceClient(fixture.Platform.Coordinator).ListCasesAsync(new ListCasesRequest { Ward = "wards/xuan-ha", PersonName = name });
        Assert.Single(found.Cases);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused()
    {
        await using var person = await BrowserSession.OpenAsync(fixture.Browser, fixture.Console.BaseUrl);
        for (var i = 0; i < 5; i++)
        {
            await person.GoAsync("/signin");
            await person.Page.FillAsync("#username", "an-hai-bac-officer");
            await person.Page.FillAsync("#password", "sai-mat-khau-" + i);
            await person.SubmitAsync("#username");
            Assert.Contains("/signin", person.Page.Url);
        }
        await person.GoAsync("/signin");
        await person.Page.FillAsync("#username", "an-hai-bac-officer");
        await person.Page.FillAsync("#password", fixture.Passwords["an-hai-bac-officer"]);
        await person.SubmitAsync("#username");
        Assert.Contains("/signin", person.Page.Url);
        Assert.Contains("Tài khoản tạm khóa 15 phút", await person.MainTextAsync());
        await person.ShotAsync("16-locked");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_even_for_a_copy_of_the_cookie()
    {
        await using var officer = await SignIn("thanh-khe-dong-officer");
        Assert.EndsWith("/ward", officer.Page.Url);
        var cookies = await officer.CookiesAsync();
        await officer.ClickAndWaitAsync("header button:has-text('Đăng xuất')");
        Assert.Contains("/signin?signedOut=1", officer.Page.Url);
        Assert.Contains("Bạn đã đăng xuất.", await officer.MainTextAsync());
        Assert.Equal(200, await officer.GoAsync("/ward"));
        Assert.Contains("/signin", officer.Page.Url);

        // Someone who copied the cookie before sign-out: the platform refuses the revoked token, the
        // console asks them to sign in.
        await using var thief = await BrowserSession.OpenAsync(fixture.Browser, fixture.Console.BaseUrl);
        var context = thief.Page.Context;
        await context.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await thief.GoAsync("/ward");
            if (thief.Page.Url.Contains("/signin", StringComparison.Ordinal))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "The revoked session still works after 15 s");
            await Task.Delay(1000);
        }
        Assert.DoesNotContain("Phường Thanh Khê Đông", await thief.MainTextAsync());
        // An ended session asks for a new sign-in and then returns to the page the person was on.
        Assert.Contains("returnUrl=%2Fward", thief.Page.Url);
        var expired = await thief.MainTextAsync();
        Assert.True(expired.Contains("Phiên làm việc đã hết hạn", StringComparison.Ordinal),
            $"{thief.Page.Url}\n{expired}\nconsole output:\n{fixture.Console.Output[^Math.Min(6000, fixture.Console.Output.Length)..]}");
        await thief.Page.FillAsync("#username", "thanh-khe-dong-officer");
        await thief.Page.FillAsync("#password", fixture.Passwords["thanh-khe-dong-officer"]);
        await thief.SubmitAsync("#username");
        Assert.EndsWith("/ward", thief.Page.Url);
        Assert.Contains("Phường Thanh Khê Đông", await thief.MainTextAsync());
    }

    private static string Suffix() => new(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(5).Select(char.ToUpperInvariant).ToArray());
}
