using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Microsoft.Playwright;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Console;

/// <summary>The platform stops while a person is typing: nothing typed is lost, and it submits once when back.</summary>
[Collection(Lanes.Clocks)]
public sealed class ConsoleOutageTests
{
    [Fact]
    public async Task The_platform_stopped_mid_session_shows_a_banner_keeps_the_form_and_submits_once_when_back()
    {
        await using var database = await TestDatabase.CreateAsync();
        var platform = await PlatformHost.StartAsync(database.ConnectionString, seedDemo: true);
        var grpcPort = platform.GrpcPort;
        var dataDirectory = platform.DataDirectory;
        var passwords = ConsoleFixture.ReadPasswords(dataDirectory);
        await using var console = await ConsoleHost.StartAsync(grpcPort, dataDirectory);
        var (playwright, browser) = await ConsoleFixture.LaunchAsync();
        try
        {
            await using var officer = await BrowserSession.SignInAsync(browser, console.BaseUrl, "hai-chau-1-officer", passwords["hai-chau-1-officer"]);
            await officer.GoAsync("/cases/new");
            const string name = "Đinh Thị Mất Điện";
            const string account = "Cộng tác viên tổ 3 báo: trẻ 4 tuổi thường bị bỏ một mình ở nhà.";
            await officer.Page.FillAsync("#person-name", name);
            await officer.Page.SelectOptionAsync("#sex", "Female");
            await officer.Page.FillAsync("#age", "4");
            await officer.Page.CheckAsync("#cat-Neglect");
            await officer.Page.FillAsync("#account", account);

            await platform.StopAsync();
            var response = await officer.ClickAndWaitAsync("form:has(#person-name) button[type=submit]");
            Assert.Equal(503, response!.Status);
            Assert.Contains("Không kết nối được với hệ thống.", await officer.MainTextAsync());
            Assert.Equal(name, await officer.Page.InputValueAsync("#person-name"));
            Assert.Equal(account, await officer.Page.InputValueAsync("#account"));
            Assert.Equal("4", await officer.Page.InputValueAsync("#age"));
            Assert.True(await officer.Page.IsCheckedAsync("#cat-Neglect"));
            await officer.ShotAsync("17-platform-away");

            // The platform comes back on the same address; the kept form is sent again — by a
            // retry in flight and a click at once — and opens one case.
            await platform.DisposeAsync();
            platform = await PlatformHost.StartAsync(database.ConnectionString, grpcPort: grpcPort, dataDir: dataDirectory);
            var retried = await officer.Page.EvaluateAsync<int>(@"() => {
                const form = document.querySelector('form:has(#person-name)');
                return fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), redirect: 'manual' })
                    .then(r => r.type === 'opaqueredirect' ? 302 : r.status);
            }");
            Assert.Equal(302, retried);
            await officer.ClickAndWaitAsync("form:has(#person-name) button[type=submit]");
            Assert.True(officer.Page.Url.Contains("done=created", StringComparison.Ordinal), officer.Page.Url + "\n" + await officer.MainTextAsync());
            Assert.Contains(name, await officer.MainTextAsync());
            var found = await new CaseService.CaseServiceClient(platform.Coordinator).ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1", PersonName = name });
            Assert.Single(found.Cases);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            await platform.DisposeAsync();
        }
    }
}
