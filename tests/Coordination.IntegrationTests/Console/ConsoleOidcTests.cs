using Coordination.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Console;

/// <summary>Sign-in with the city's OpenID Connect provider: its claims map to the platform role and scope.</summary>
[Collection(Lanes.Work)]
public sealed class ConsoleOidcTests
{
    [Fact]
    public async Task A_person_signs_in_with_the_identity_provider_and_works_in_the_scope_its_claims_give()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var database = await TestDatabase.CreateAsync();
        await using var platform = await PlatformHost.StartAsync(database.ConnectionString, seedDemo: true, environment: new Dictionary<string, string>
        {
            ["COORD_OIDC_AUTHORITY"] = provider.Authority,
            ["COORD_OIDC_AUDIENCE"] = TestIdentityProvider.ApiAudience,
        });
        await using var console = await ConsoleHost.StartAsync(platform.GrpcPort, platform.DataDirectory, new Dictionary<string, string>
        {
            ["COORD_OIDC_AUTHORITY"] = provider.Authority,
            ["COORD_OIDC_CLIENT_ID"] = "coordination-console",
            ["COORD_OIDC_CLIENT_SECRET"] = "test-secret",
        });
        var (playwright, browser) = await ConsoleFixture.LaunchAsync();
        try
        {
            provider.Person = new IdentityPerson("lan.nguyen", "Nguyễn Thị Lan", "WARD_OFFICER", "wards/hai-chau-1");
            await using (var officer = await BrowserSession.OpenAsync(browser, console.BaseUrl))
            {
                await officer.GoAsync("/signin");
                // Console → provider → console (/signin-oidc) → home: several redirects across origins.
                await officer.Page.ClickAsync("a:has-text('Đăng nhập bằng tài khoản của thành phố')");
                await officer.Page.WaitForURLAsync("**/ward");
                Assert.Contains("Nguyễn Thị Lan", await officer.Page.InnerTextAsync("header"));
                Assert.Contains("Phường Hải Châu I", await officer.MainTextAsync());
                // The platform, not the console, holds them to their ward.
                Assert.Equal(403, await officer.GoAsync("/wards/xuan-ha"));
            }

            // A person the provider knows without a platform role is not let in.
            provider.Person = new IdentityPerson("khach", "Khách", "VISITOR", "wards/hai-chau-1");
            await using var visitor = await BrowserSession.OpenAsync(browser, console.BaseUrl);
            await visitor.GoAsync("/signin");
            await visitor.Page.ClickAsync("a:has-text('Đăng nhập bằng tài khoản của thành phố')");
            await visitor.Page.WaitForURLAsync("**/signin?**");
            Assert.DoesNotContain("Phường Hải Châu I", await visitor.MainTextAsync());

            // Straight to the platform: the provider's token with a platform role is served, one with
            // a role the platform does not know is UNAUTHENTICATED at authentication (issue 13).
            var wards = new Coordination.V1.DirectoryService.DirectoryServiceClient(platform.Channel);
            Grpc.Core.Metadata Bearer(IdentityPerson p) => new() { { "authorization", "Bearer " + provider.AccessToken(p) } };
            var served = await wards.GetWardAsync(new Coordination.V1.GetWardRequest { Name = "wards/hai-chau-1" },
                Bearer(new IdentityPerson("lan.nguyen", "Nguyễn Thị Lan", "WARD_OFFICER", "wards/hai-chau-1")));
            Assert.Equal("Phường Hải Châu I", served.DisplayName);
            await RpcAssert.Fails(Grpc.Core.StatusCode.Unauthenticated, () => wards.GetWardAsync(
                new Coordination.V1.GetWardRequest { Name = "wards/hai-chau-1" }, Bearer(new IdentityPerson("khach", "Khách", "VISITOR", "wards/hai-chau-1"))).ResponseAsync);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
