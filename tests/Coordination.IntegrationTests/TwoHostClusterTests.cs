using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Clocks)]
public sealed class TwoHostClusterTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Two_hosts_form_one_cluster_and_the_survivor_serves_what_the_other_wrote()
    {
        // One data folder: hosts of one cluster share the token signing key.
        var dataDir = System.IO.Directory.CreateTempSubdirectory("coord-cluster-").FullName;
        await using var a = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir);
        await using var b = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir);

        // Both silos are active members of one cluster (status 3 = Active in the membership table).
        Assert.Equal(2L, await _db.ScalarAsync<long>("select count(*) from orleansmembershiptable where status = 3"));

        var viaA = new DirectoryService.DirectoryServiceClient(a.Coordinator);
        var viaB = new DirectoryService.DirectoryServiceClient(b.Coordinator);
        var written = new List<Agency>();
        for (var i = 0; i < 10; i++)
        {
            written.Add(await viaA.CreateAgencyAsync(new CreateAgencyRequest
            {
                AgencyId = $"cluster-check-{i}",
                RequestId = $"cluster-{i}",
                Agency = new Agency { DisplayName = $"Nhóm tình nguyện {i}", Kind = AgencyKind.Other, Ward = "wards/man-thai" },
            }));
        }
        foreach (var agency in written)
        {
            Assert.Equal(agency, await viaB.GetAgencyAsync(new GetAgencyRequest { Name = agency.Name }));
        }

        await a.StopAsync();

        foreach (var agency in written)
        {
            Assert.Equal(agency, await viaB.GetAgencyAsync(new GetAgencyRequest { Name = agency.Name }, deadline: DateTime.UtcNow.AddSeconds(30)));
        }
        var listed = await viaB.ListAgenciesAsync(new ListAgenciesRequest { Ward = "wards/man-thai", Kind = AgencyKind.Other });
        Assert.Equal(written, listed.Agencies);
        var more = await viaB.CreateAgencyAsync(new CreateAgencyRequest
        {
            AgencyId = "after-failover", RequestId = "after-failover",
            Agency = new Agency { DisplayName = "Sau khi máy A dừng", Kind = AgencyKind.Other },
        });
        Assert.Equal(more, await viaB.GetAgencyAsync(new GetAgencyRequest { Name = "agencies/after-failover" }));
    }
}
