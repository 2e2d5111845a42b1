using System.Text;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;

namespace Coordination.IntegrationTests;

/// <summary>One seeded host shared by the directory tests of this class.</summary>
public sealed class SeededHostFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public PlatformHost Host { get; private set; } = null!;
    public DirectoryService.DirectoryServiceClient Directory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Host = await PlatformHost.StartAsync(Database.ConnectionString, seedDemo: true);
        Directory = new DirectoryService.DirectoryServiceClient(Host.Coordinator);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

[Collection(Lanes.Work)]
public sealed class DirectoryServiceTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private DirectoryService.DirectoryServiceClient Directory => fixture.Directory;

    private static string NewRequestId() => Guid.NewGuid().ToString();

    private static Agency NewAgency(string ward = "wards/hai-chau-1") => new()
    {
        DisplayName = "Trường Tiểu học Lê Văn Tám",
        Kind = AgencyKind.Education,
        Ward = ward,
        ParentOrganization = "Sở Giáo dục và Đào tạo thành phố Đà Nẵng",
        Services = { "Tư vấn học đường" },
        Contacts = { new Contact { DisplayName = "Cô Hiệu trưởng", Phone = "0236 000 000" } },
    };

    [Fact]
    public async Task Reflection_lists_the_directory_and_health_services()
    {
        var reflection = new ServerReflection.ServerReflectionClient(fixture.Host.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("coordination.v1.DirectoryService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task The_demo_directory_has_six_wards_in_three_clusters_with_exact_vietnamese_names()
    {
        var clusters = await Directory.ListClustersAsync(new ListClustersRequest());
        var wards = await Directory.ListWardsAsync(new ListWardsRequest());

        Assert.Equal(["clusters/hai-chau", "clusters/son-tra", "clusters/thanh-khe"], clusters.Clusters.Select(c => c.Name));
        Assert.All(clusters.Clusters, c => Assert.Equal(2, c.Wards.Count));
        Assert.Equal(6, wards.Wards.Count);
        var haiChau = Assert.Single(wards.Wards, w => w.Name == "wards/hai-chau-1");
        Assert.Equal("Phường Hải Châu I", haiChau.DisplayName);
        Assert.True(haiChau.DisplayName.IsNormalized(NormalizationForm.FormC));
        Assert.Equal("clusters/hai-chau", haiChau.Cluster);
        Assert.Equal(StaffRole.WardViceChair, haiChau.ViceChair.Role);
        Assert.Single(haiChau.ChildProtectionOfficers);

        var inCluster = await Directory.ListWardsAsync(new ListWardsRequest { Cluster = "clusters/son-tra" });
        Assert.Equal(["wards/an-hai-bac", "wards/man-thai"], inCluster.Wards.Select(w => w.Name));
    }

    [Fact]
    public async Task Each_ward_has_its_committee_and_five_departments()
    {
        var agencies = await Directory.ListAgenciesAsync(new ListAgenciesRequest { Ward = "wards/xuan-ha" });

        Assert.Equal(
            new[] { AgencyKind.PeoplesCommittee, AgencyKind.Police, AgencyKind.Justice, AgencyKind.Health, AgencyKind.WomensUnion, AgencyKind.Education }.Order(),
            agencies.Agencies.Select(a => a.Kind).Order());
        var police = await Directory.ListAgenciesAsync(new ListAgenciesRequest { Kind = AgencyKind.Police });
        Assert.Equal(6, police.Agencies.Count);
        var centre = await Directory.GetAgencyAsync(new GetAgencyRequest { Name = "agencies/danang-swc" });
        Assert.Equal("Trung tâm Công tác xã hội thành phố Đà Nẵng", centre.DisplayName);
    }

    [Fact]
    public async Task Demo_credentials_are_written_for_every_user_and_agency()
    {
        var path = Path.Combine(fixture.Host.DataDirectory, "dev-credentials.json");
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));

        var users = doc.RootElement.GetProperty("users").EnumerateArray().ToList();
        var agencies = doc.RootElement.GetProperty("agencies").EnumerateArray().ToList();
        // City people, each ward's vice-chair and officer, and a liaison for five departments of each ward.
        Assert.Equal(3 + (6 * 2) + (6 * 5), users.Count);
        Assert.Equal(3 + (6 * 6), agencies.Count);
        Assert.All(users.Concat(agencies), e =>
        {
            Assert.False(string.IsNullOrEmpty(e.GetProperty("token").GetString()));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("role").GetString()));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("scope").GetString()));
        });
        // People sign in with a username (their id) and a password made for this data folder.
        Assert.All(users, u =>
        {
            Assert.Equal("users/" + u.GetProperty("username").GetString(), u.GetProperty("name").GetString());
            Assert.True(u.GetProperty("password").GetString()!.Length >= 10);
        });
        Assert.Equal(users.Count, users.Select(u => u.GetProperty("password").GetString()).Distinct().Count());
        Assert.All(agencies, a => Assert.False(a.TryGetProperty("password", out _)));
        Assert.Contains(users, u => u.GetProperty("name").GetString() == "users/hai-chau-1-womens-union-liaison"
            && u.GetProperty("role").GetString() == "AGENCY_LIAISON" && u.GetProperty("scope").GetString() == "agencies/hai-chau-1-womens-union");
        Assert.Contains(users, u => u.GetProperty("role").GetString() == "WARD_VICE_CHAIR" && u.GetProperty("scope").GetString() == "wards/hai-chau-1");
    }

    [Fact]
    public async Task Paging_walks_every_agency_once()
    {
        var all = await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 });
        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 7, PageToken = token });
            Assert.True(page.Agencies.Count <= 7);
            seen.AddRange(page.Agencies.Select(a => a.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(all.Agencies.Select(a => a.Name), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task A_page_token_from_another_filter_or_a_bad_page_size_is_refused_by_field()
    {
        var page = await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 2 });

        await RpcAssert.FailsWithFields(
            () => Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 2, PageToken = page.NextPageToken, Kind = AgencyKind.Police }).ResponseAsync,
            "page_token");
        await RpcAssert.FailsWithFields(
            () => Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = -1, PageToken = "garbage!" }).ResponseAsync,
            "page_size", "page_token");
    }

    [Fact]
    public async Task Unknown_and_malformed_names_get_not_found_and_invalid_argument()
    {
        await RpcAssert.Fails(StatusCode.NotFound, () => Directory.GetWardAsync(new GetWardRequest { Name = "wards/no-such-ward" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.NotFound, () => Directory.GetAgencyAsync(new GetAgencyRequest { Name = "agencies/no-such-agency" }).ResponseAsync);
        await RpcAssert.FailsWithFields(() => Directory.GetWardAsync(new GetWardRequest { Name = "hai-chau-1" }).ResponseAsync, "name");
        await RpcAssert.FailsWithFields(() => Directory.GetClusterAsync(new GetClusterRequest()).ResponseAsync, "name");
    }

    [Fact]
    public async Task An_invalid_create_names_every_bad_field_and_creates_nothing()
    {
        var before = (await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 })).Agencies.Count;

        await RpcAssert.FailsWithFields(
            () => Directory.CreateAgencyAsync(new CreateAgencyRequest
            {
                AgencyId = "Bad Id",
                Agency = new Agency { DisplayName = " ", Ward = "hai-chau-1", Address = new string('x', 501) },
            }).ResponseAsync,
            "agency_id", "request_id", "agency.display_name", "agency.kind", "agency.ward", "agency.address");
        await RpcAssert.FailsWithFields(
            () => Directory.CreateAgencyAsync(new CreateAgencyRequest
            {
                AgencyId = "school-x", RequestId = NewRequestId(), Agency = NewAgency("wards/no-such-ward"),
            }).ResponseAsync,
            "agency.ward");

        Assert.Equal(before, (await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 })).Agencies.Count);
    }

    [Fact]
    public async Task A_retried_create_returns_the_first_result_and_a_different_request_is_already_exists()
    {
        var request = new CreateAgencyRequest { AgencyId = "le-van-tam-school", RequestId = NewRequestId(), Agency = NewAgency() };

        var first = await Directory.CreateAgencyAsync(request);
        var retry = await Directory.CreateAgencyAsync(request);

        Assert.Equal(first, retry);
        Assert.Equal("agencies/le-van-tam-school", first.Name);
        Assert.Single((await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 })).Agencies, a => a.Name == first.Name);
        request.RequestId = NewRequestId();
        await RpcAssert.Fails(StatusCode.AlreadyExists, () => Directory.CreateAgencyAsync(request).ResponseAsync);
    }

    [Fact]
    public async Task Vietnamese_text_is_stored_in_nfc_whatever_form_it_arrives_in()
    {
        var decomposed = "Hội Liên hiệp Phụ nữ Hằng".Normalize(NormalizationForm.FormD);
        var agency = NewAgency();
        agency.DisplayName = decomposed;

        var created = await Directory.CreateAgencyAsync(new CreateAgencyRequest { AgencyId = "nfc-check", RequestId = NewRequestId(), Agency = agency });
        var listed = (await Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 })).Agencies.Single(a => a.Name == created.Name);

        Assert.Equal("Hội Liên hiệp Phụ nữ Hằng".Normalize(NormalizationForm.FormC), created.DisplayName);
        Assert.Equal(created.DisplayName, listed.DisplayName);
    }

    [Fact]
    public async Task Update_changes_only_masked_fields_and_a_stale_etag_is_aborted()
    {
        var created = await Directory.CreateAgencyAsync(new CreateAgencyRequest { AgencyId = "update-check", RequestId = NewRequestId(), Agency = NewAgency() });

        var updated = await Directory.UpdateAgencyAsync(new UpdateAgencyRequest
        {
            Agency = new Agency { Name = created.Name, Etag = created.Etag, DisplayName = "Trường Tiểu học Hòa Bình", Address = "ignored" },
            UpdateMask = FieldMask.FromString("display_name"),
            RequestId = NewRequestId(),
        });

        Assert.Equal("Trường Tiểu học Hòa Bình", updated.DisplayName);
        Assert.Equal(created.Address, updated.Address);
        Assert.Equal(created.Services, updated.Services);
        Assert.NotEqual(created.Etag, updated.Etag);
        await RpcAssert.Fails(StatusCode.Aborted, () => Directory.UpdateAgencyAsync(new UpdateAgencyRequest
        {
            Agency = new Agency { Name = created.Name, Etag = created.Etag, DisplayName = "Lost update" },
            UpdateMask = FieldMask.FromString("display_name"),
            RequestId = NewRequestId(),
        }).ResponseAsync);
        await RpcAssert.FailsWithFields(() => Directory.UpdateAgencyAsync(new UpdateAgencyRequest
        {
            Agency = new Agency { Name = created.Name },
            UpdateMask = FieldMask.FromString("etag"),
            RequestId = NewRequestId(),
        }).ResponseAsync, "update_mask");
    }

    [Fact]
    public async Task Two_concurrent_updates_with_the_same_etag_exactly_one_wins()
    {
        var created = await Directory.CreateAgencyAsync(new CreateAgencyRequest { AgencyId = "race-check", RequestId = NewRequestId(), Agency = NewAgency() });
        System.Threading.Tasks.Task<Agency> Update(string name) => Directory.UpdateAgencyAsync(new UpdateAgencyRequest
        {
            Agency = new Agency { Name = created.Name, Etag = created.Etag, DisplayName = name },
            UpdateMask = FieldMask.FromString("display_name"),
            RequestId = NewRequestId(),
        }).ResponseAsync;

        var results = await Task.WhenAll(new[] { Update("A"), Update("B") }.Select(async t =>
        {
            try
            {
                return (await t).DisplayName;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                return null;
            }
        }));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner, (await Directory.GetAgencyAsync(new GetAgencyRequest { Name = created.Name })).DisplayName);
    }

    [Fact]
    public async Task A_retried_update_is_applied_once()
    {
        var created = await Directory.CreateAgencyAsync(new CreateAgencyRequest { AgencyId = "retry-update", RequestId = NewRequestId(), Agency = NewAgency() });
        var request = new UpdateAgencyRequest
        {
            Agency = new Agency { Name = created.Name, Etag = created.Etag, Services = { "Tư vấn tâm lý" } },
            UpdateMask = FieldMask.FromString("services"),
            RequestId = NewRequestId(),
        };

        var first = await Directory.UpdateAgencyAsync(request);
        var retry = await Directory.UpdateAgencyAsync(request);

        Assert.Equal(first.Etag, retry.Etag);
        Assert.Equal(["Tư vấn tâm lý"], retry.Services);
    }
}
