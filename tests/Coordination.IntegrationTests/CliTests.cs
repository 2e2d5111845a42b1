using System.Diagnostics;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>The coord CLI, run as an administrator would, against the real host.</summary>
[Collection(Lanes.Work)]
public sealed class CliTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    [Fact]
    public async Task Coord_registers_an_agency_system_whose_secret_works_rotates_keys_and_revokes_tokens()
    {
        var keys = fixture.Host.Tokens.SigningKeysPath;
        var target = $"http://127.0.0.1:{fixture.Host.GrpcPort}";
        var (code, output) = await Coord("agency", "register", "--target", target, "--keys", keys,
            "--id", "hai-chau-1-school", "--name", "Trường Tiểu học Hải Châu", "--kind", "EDUCATION", "--ward", "wards/hai-chau-1");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("agencies/hai-chau-1-school", json.RootElement.GetProperty("clientId").GetString());
        var secret = json.RootElement.GetProperty("clientSecret").GetString()!;
        Assert.False(json.RootElement.TryGetProperty("token", out _));

        // The secret is exchanged for a short token; the agency sees its own feed only.
        var exchanged = await new TokenService.TokenServiceClient(fixture.Host.Channel)
            .CreateTokenAsync(new CreateTokenRequest { ClientId = "agencies/hai-chau-1-school", ClientSecret = secret });
        var asSchool = new Metadata { { "authorization", "Bearer " + exchanged.AccessToken } };
        var feed = await new PartnerService.PartnerServiceClient(fixture.Host.Channel)
            .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-school" }, asSchool);
        Assert.Equal(0, feed.LastSequence);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => new PartnerService.PartnerServiceClient(fixture.Host.Channel)
            .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-police" }, asSchool).ResponseAsync);

        // Registering again keeps the agency and makes a new secret; the old one stops working.
        var (again, second) = await Coord("agency", "rotate-secret", "--target", target, "--keys", keys, "--agency", "agencies/hai-chau-1-school");
        Assert.True(again == 0, second);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new TokenService.TokenServiceClient(fixture.Host.Channel)
            .CreateTokenAsync(new CreateTokenRequest { ClientId = "agencies/hai-chau-1-school", ClientSecret = secret }).ResponseAsync);

        // A rotation: the new key signs what coord issues next, the host accepts it, the list shows both keys.
        var before = fixture.Host.SigningKey.KeyId;
        var (rotated, rotation) = await Coord("key", "rotate", "--keys", keys, "--activate-in", "0");
        Assert.True(rotated == 0, rotation);
        var (listed, list) = await Coord("key", "list", "--keys", keys);
        Assert.True(listed == 0, list);
        Assert.Contains("VERIFYING", list);
        Assert.Contains("ACTIVE", list);
        Assert.Contains(before, list);

        var (issued, userToken) = await Coord("token", "issue", "--keys", keys, "--principal", "users/new-officer", "--name", "Võ Văn Mới",
            "--role", "WARD_OFFICER", "--scope", "wards/hai-chau-1", "--days", "1", "--show-id");
        Assert.True(issued == 0, userToken);
        var lines = userToken.Trim().Split('\n');
        var asOfficer = new Metadata { { "authorization", "Bearer " + lines[0].Trim() } };
        var summary = await new WardService.WardServiceClient(fixture.Host.Channel).GetWardSummaryAsync(new GetWardSummaryRequest { Name = "wards/hai-chau-1" }, asOfficer);
        Assert.Equal("wards/hai-chau-1", summary.Ward);
        var (tooLong, why) = await Coord("token", "issue", "--keys", keys, "--principal", "users/new-officer", "--name", "Võ Văn Mới",
            "--role", "WARD_OFFICER", "--scope", "wards/hai-chau-1", "--days", "365");
        Assert.True(tooLong == 2, why);

        // Revoked by its id: refused at once.
        var (revoked, revocation) = await Coord("token", "revoke", "--target", target, "--keys", keys, "--id", lines[1].Trim(), "--reason", "Thử thu hồi");
        Assert.True(revoked == 0, revocation);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new WardService.WardServiceClient(fixture.Host.Channel)
            .GetWardSummaryAsync(new GetWardSummaryRequest { Name = "wards/hai-chau-1" }, asOfficer).ResponseAsync);
    }

    [Fact]
    public async Task Coord_report_writes_a_workbook_with_Vietnamese_headers_as_the_demo_coordinator_by_default()
    {
        var file = Path.Combine(Path.GetTempPath(), $"r-{Guid.NewGuid():N}.xlsx");
        var (code, output) = await Coord("report", "--target", Target, "--scope", "city", "--year", DateTime.UtcNow.Year.ToString(), "--format", "xlsx", "--out", file);

        Assert.True(code == 0, output);
        Assert.Contains("Saved", output);
        using var doc = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(file, false);
        var sheets = doc.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal("Bìa", sheets[0]);
        Assert.Contains("Thời hạn luật định", sheets);
        File.Delete(file);

        var (table, text) = await Coord("report", "--target", Target, "--scope", "wards/hai-chau-1", "--quarter", $"{DateTime.UtcNow.Year}-Q1");
        Assert.True(table == 0, text);
        Assert.Contains("Phường Hải Châu I", text);
        Assert.Contains("Biện pháp khẩn cấp trong 12 giờ", text);

        var (usage, _) = await Coord("report", "--scope", "city");
        Assert.Equal(2, usage);
        var (refused, why) = await Coord("report", "--target", Target, "--scope", "city", "--year", "2026", "--as", "users/hai-chau-1-officer");
        Assert.True(refused == 1, why);
        Assert.Contains("PermissionDenied", why);
    }

    private const string DirectoryFile = """
        type,id,display_name,parent,kind,province,administrative_code,phone,email,parent_organization,address
        cluster,ngu-hanh-son,Cụm Ngũ Hành Sơn,,,,,,,,
        ward,hoa-hai,Phường Hòa Hải,ngu-hanh-son,,Thành phố Đà Nẵng,20305,,,,
        agency,hoa-hai-committee,Ủy ban nhân dân phường Hòa Hải,hoa-hai,PEOPLES_COMMITTEE,,,,,,
        agency,hoa-hai-police,Công an phường Hòa Hải,hoa-hai,POLICE,,,,,Công an thành phố Đà Nẵng,
        person,users/hoa-hai-vice-chair,Phạm Văn Hải,hoa-hai,WARD_VICE_CHAIR,,,0905000111,hai@example.vn,,
        person,users/hoa-hai-officer,Lê Thị Hoa,hoa-hai,WARD_OFFICER,,,,,,
        """;

    [Fact]
    public async Task Coord_directory_import_checks_first_applies_once_and_a_second_run_changes_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"d-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, DirectoryFile);
        var directory = new DirectoryService.DirectoryServiceClient(fixture.Host.Coordinator);

        var (dry, dryOutput) = await Coord("directory", "import", file, "--dry-run", "--target", Target);
        Assert.True(dry == 0, dryOutput);
        Assert.Contains("4 change(s) would be made", dryOutput);
        await RpcAssert.Fails(StatusCode.NotFound, () => directory.GetWardAsync(new GetWardRequest { Name = "wards/hoa-hai" }).ResponseAsync);

        var (code, output) = await Coord("directory", "import", file, "--target", Target);
        Assert.True(code == 0, output);
        Assert.Contains("4 change(s) made", output);
        var ward = await directory.GetWardAsync(new GetWardRequest { Name = "wards/hoa-hai" });
        Assert.Equal(("Phường Hòa Hải", "clusters/ngu-hanh-son", "agencies/hoa-hai-committee"), (ward.DisplayName, ward.Cluster, ward.PeoplesCommittee));
        Assert.Equal(("users/hoa-hai-vice-chair", "Phạm Văn Hải", "0905000111"), (ward.ViceChair.User, ward.ViceChair.DisplayName, ward.ViceChair.Phone));
        Assert.Equal("Lê Thị Hoa", Assert.Single(ward.ChildProtectionOfficers).DisplayName);
        Assert.Equal(["wards/hoa-hai"], (await directory.GetClusterAsync(new GetClusterRequest { Name = "clusters/ngu-hanh-son" })).Wards);
        var police = await directory.GetAgencyAsync(new GetAgencyRequest { Name = "agencies/hoa-hai-police" });
        Assert.Equal(AgencyKind.Police, police.Kind);

        var (again, againOutput) = await Coord("directory", "import", file, "--target", Target);
        Assert.True(again == 0, againOutput);
        Assert.Contains("0 change(s) made, 4 already up to date", againOutput);
        Assert.Equal(ward.Etag, (await directory.GetWardAsync(new GetWardRequest { Name = "wards/hoa-hai" })).Etag);
        File.Delete(file);

        // The service catalogue of a demo agency, with response times.
        var (listed, catalogue) = await Coord("directory", "services", "--agency", "agencies/hai-chau-1-health", "--target", Target);
        Assert.True(listed == 0, catalogue);
        Assert.Contains("Sơ cứu, khám sức khỏe", catalogue);
        Assert.Contains("1 ngày làm việc / working days", catalogue);
        Assert.Contains("2 service(s).", catalogue);
    }

    [Fact]
    public async Task Coord_directory_import_names_each_bad_line_and_changes_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"d-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, """
            type,id,display_name,parent,kind,province,administrative_code,phone,email,parent_organization,address
            cluster,cam-le,Cụm Cẩm Lệ,,,,,,,,
            agency,hoa-tho-police,Công an phường Hòa Thọ,hoa-tho,CANH_SAT,,,,,,
            ward,hoa-xuan,Phường Hòa Xuân,khong-co-cum,,,,,,,
            thing,x,y,,,,,,,,
            """);

        var (code, output) = await Coord("directory", "import", file, "--target", Target);

        Assert.True(code == 4, output);
        Assert.Contains("nothing was changed", output);
        Assert.Matches(@"│\s*5\s*│\s*type", output);
        File.Delete(file);
        // The file's other lines were reported too once the file itself parsed: fix line 5 and see lines 3 and 4.
        await File.WriteAllTextAsync(file, """
            type,id,display_name,parent,kind,province,administrative_code,phone,email,parent_organization,address
            cluster,cam-le,Cụm Cẩm Lệ,,,,,,,,
            agency,hoa-tho-police,Công an phường Hòa Thọ,hoa-tho,CANH_SAT,,,,,,
            ward,hoa-xuan,Phường Hòa Xuân,khong-co-cum,,,,,,,
            """);
        var (second, lines) = await Coord("directory", "import", file, "--target", Target);
        Assert.True(second == 4, lines);
        Assert.Matches(@"│\s*3\s*│\s*kind", lines);
        Assert.Matches(@"│\s*4\s*│\s*parent", lines);
        await RpcAssert.Fails(StatusCode.NotFound, () => new DirectoryService.DirectoryServiceClient(fixture.Host.Coordinator)
            .GetClusterAsync(new GetClusterRequest { Name = "clusters/cam-le" }).ResponseAsync);
        File.Delete(file);
    }

    private string Target => $"http://127.0.0.1:{fixture.Host.GrpcPort}";

    private async Task<(int Code, string Output)> Coord(params string[] args)
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
        // With no credential given, coord uses the demo coordinator of this data folder, as after ./run.sh.
        psi.Environment["COORD_DATA_DIR"] = fixture.Host.DataDirectory;
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, p.ExitCode == 0 ? output : output + error);
    }
}
