using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Rpc;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Work)]
public sealed class LimitsTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private PlatformHost _host = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, environment: new Dictionary<string, string>
        {
            ["Limits__CallsPerSecond"] = "5",
            ["Limits__Burst"] = "5",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_credential_over_its_rate_gets_resource_exhausted_with_retry_info()
    {
        var directory = new DirectoryService.DirectoryServiceClient(_host.Coordinator);
        RpcException? limited = null;
        for (var i = 0; i < 30 && limited is null; i++)
        {
            try
            {
                await directory.GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                limited = e;
            }
        }

        Assert.NotNull(limited);
        var retry = limited!.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.True(retry!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        // Another credential is not affected.
        var other = new DirectoryService.DirectoryServiceClient(_host.As(new Coordination.Silo.Common.Actor(
            "users/auditor", "Đặng Minh Khoa", Coordination.Silo.Common.Actor.Auditor, "city")));
        Assert.Equal("Phường Hải Châu I", (await other.GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" })).DisplayName);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_and_changes_nothing()
    {
        var directory = new DirectoryService.DirectoryServiceClient(_host.As(new Coordination.Silo.Common.Actor(
            "users/coordinator", "Lê Thị Thu Hà", Coordination.Silo.Common.Actor.CentreCoordinator, "city")));
        var huge = new Agency { DisplayName = new string('x', 5 * 1024 * 1024), Kind = AgencyKind.Other };

        await RpcAssert.Fails(StatusCode.ResourceExhausted, () =>
            directory.CreateAgencyAsync(new CreateAgencyRequest { AgencyId = "too-big", RequestId = "too-big", Agency = huge }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.NotFound, () => directory.GetAgencyAsync(new GetAgencyRequest { Name = "agencies/too-big" }).ResponseAsync);
    }
}
