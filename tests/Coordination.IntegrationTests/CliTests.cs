using System.Diagnostics;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>The coord CLI, run as an administrator would, against the real host.</summary>
public sealed class CliTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    [Fact]
    public async Task Coord_registers_an_agency_system_whose_credential_works_and_issues_user_tokens()
    {
        var key = Path.Combine(fixture.Host.DataDirectory, "signing-key.pem");
        var (code, output) = await Coord("agency", "register", "--target", $"http://127.0.0.1:{fixture.Host.GrpcPort}", "--key", key,
            "--id", "hai-chau-1-school", "--name", "Trường Tiểu học Hải Châu", "--kind", "EDUCATION", "--ward", "wards/hai-chau-1");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        var token = json.RootElement.GetProperty("token").GetString();
        Assert.Equal("agencies/hai-chau-1-school", json.RootElement.GetProperty("agency").GetString());

        var asSchool = new Metadata { { "authorization", "Bearer " + token } };
        var feed = await new PartnerService.PartnerServiceClient(fixture.Host.Channel)
            .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-school" }, asSchool);
        Assert.Equal(0, feed.LastSequence);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => new PartnerService.PartnerServiceClient(fixture.Host.Channel)
            .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-police" }, asSchool).ResponseAsync);

        var (issued, userToken) = await Coord("token", "issue", "--key", key, "--principal", "users/new-officer", "--name", "Võ Văn Mới",
            "--role", "WARD_OFFICER", "--scope", "wards/hai-chau-1", "--days", "1");
        Assert.Equal(0, issued);
        var summary = await new WardService.WardServiceClient(fixture.Host.Channel).GetWardSummaryAsync(
            new GetWardSummaryRequest { Name = "wards/hai-chau-1" }, new Metadata { { "authorization", "Bearer " + userToken.Trim() } });
        Assert.Equal("wards/hai-chau-1", summary.Ward);
    }

    private static async Task<(int Code, string Output)> Coord(params string[] args)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = here.Parent!.Name;
        var root = here;
        while (!File.Exists(Path.Combine(root!.FullName, "CoordinationPlatform.sln")))
        {
            root = root.Parent;
        }
        var dll = Path.Combine(root.FullName, "clients", "Coordination.Cli", "bin", configuration, "net10.0", "coord.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, p.ExitCode == 0 ? output : output + error);
    }
}
