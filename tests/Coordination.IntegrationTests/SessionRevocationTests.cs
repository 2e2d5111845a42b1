using System.Diagnostics;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>Two hosts of one cluster: a session ended through one is refused by the other within 10 s.</summary>
[Collection(Lanes.Clocks)]
public sealed class SessionRevocationTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_sign_out_on_one_host_is_refused_by_the_other_within_10_seconds()
    {
        // One data folder: the hosts share the signing key (and the demo passwords).
        var dataDir = System.IO.Directory.CreateTempSubdirectory("coord-sessions-").FullName;
        await using var a = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir);
        await using var b = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir);
        var password = Credentials.Load(dataDir).Password("xuan-ha-officer");

        var signedIn = await new AccountService.AccountServiceClient(a.Channel)
            .SignInAsync(new SignInRequest { Username = "xuan-ha-officer", Password = password });
        var headers = new Metadata { { "authorization", "Bearer " + signedIn.AccessToken } };
        var viaB = new WardService.WardServiceClient(b.Channel);
        Task Call() => viaB.GetWardSummaryAsync(new GetWardSummaryRequest { Name = "wards/xuan-ha" }, headers).ResponseAsync;
        // B has seen the session: it is cached there as live.
        await Call();

        await new AccountService.AccountServiceClient(a.Channel).SignOutAsync(new SignOutRequest(), headers);
        var watch = Stopwatch.StartNew();
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new DirectoryService.DirectoryServiceClient(a.Channel)
            .GetWardAsync(new GetWardRequest { Name = "wards/xuan-ha" }, headers).ResponseAsync);
        while (true)
        {
            try
            {
                await Call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                break;
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "Host B still accepted the signed-out token after 10 s.");
            await Task.Delay(100);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }
}
