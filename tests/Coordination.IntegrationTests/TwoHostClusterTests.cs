using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Faults)]
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
        // The watchers' poll is a minute: an event reaches a watcher on the other host by notification only.
        var slowPoll = new Dictionary<string, string> { ["Feeds__PollInterval"] = "00:01:00" };
        await using var a = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir, environment: slowPoll);
        await using var b = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir, environment: slowPoll);

        // Both silos are active members of one cluster (status 3 = Active in the membership table).
        Assert.Equal(2L, await _db.ScalarAsync<long>("select count(*) from orleansmembershiptable where status = 3"));

        var viaA = new DirectoryService.DirectoryServiceClient(a.Coordinator);
        var viaB = new DirectoryService.DirectoryServiceClient(b.Coordinator);
        var signedBefore = a.TokenFor(Officer);
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

        // Written through A, watched on B: PostgreSQL's notification wakes B's watcher (issue 14).
        const string police = "agencies/man-thai-police";
        var policeSystem = new Coordination.Silo.Common.Actor(police, "Công an phường Mân Thái", Coordination.Silo.Common.Actor.AgencySystem, police);
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        using var watch = new PartnerService.PartnerServiceClient(b.As(policeSystem)).WatchEvents(
            new WatchEventsRequest { Agency = police }, cancellationToken: watching.Token);
        // Past the replay: the watcher is now waiting on B.
        await Task.Delay(1000);
        var viceChair = new Coordination.Silo.Common.Actor("users/man-thai-vice-chair", "Phó Chủ tịch Mân Thái", Coordination.Silo.Common.Actor.WardViceChair, "wards/man-thai");
        var assigned = await new WardService.WardServiceClient(a.As(viceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/man-thai", Assignee = police, Title = "Xác minh qua máy A", Instructions = "Kiểm tra",
            DueTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)), RequestId = Guid.NewGuid().ToString(),
        });
        var seen = false;
        using (var notified = CancellationTokenSource.CreateLinkedTokenSource(watching.Token))
        {
            // Well inside the minute-long poll: only the notification can deliver it in time.
            notified.CancelAfter(TimeSpan.FromSeconds(20));
            while (!seen && await watch.ResponseStream.MoveNext(notified.Token))
            {
                seen = watch.ResponseStream.Current.Task?.Name == assigned.Name;
            }
        }
        Assert.True(seen);
        watching.Cancel();

        // Key rotation without a restart: a key added to the shared ring signs tokens both hosts accept
        // within 10 s, the old key's tokens keep working, and once it is retired they are refused everywhere.
        var oldKey = a.SigningKey;
        var newKey = KeyRingDirectory.Rotate(a.Tokens.SigningKeysPath, DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(30));
        var signedAfter = a.TokenFor(Officer, key: newKey);
        Assert.Equal(newKey.KeyId, a.SigningKey.KeyId);
        foreach (var host in new[] { a, b })
        {
            await Within(TimeSpan.FromSeconds(10), () => GetWard(host, signedAfter), StatusCode.OK);
            await GetWard(host, signedBefore);
        }
        KeyRingDirectory.Retire(a.Tokens.SigningKeysPath, oldKey.KeyId, DateTimeOffset.UtcNow);
        foreach (var host in new[] { a, b })
        {
            await Within(TimeSpan.FromSeconds(10), () => GetWard(host, signedBefore), StatusCode.Unauthenticated);
            await GetWard(host, signedAfter);
        }
        // A token revoked through one host is refused by the other within 10 s (its validation cached there).
        var revoked = a.IssuedFor(Officer);
        await GetWard(b, revoked.Token);
        await new TokenService.TokenServiceClient(a.Coordinator).RevokeTokenAsync(new RevokeTokenRequest
        {
            TokenId = revoked.Id, Reason = "Thử hai máy", RequestId = Guid.NewGuid().ToString(),
        });
        await Within(TimeSpan.FromSeconds(10), () => GetWard(b, revoked.Token), StatusCode.Unauthenticated);
        // Calls as the coordinator from here on carry a token of the new key.
        viaB = new DirectoryService.DirectoryServiceClient(b.Coordinator);

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

    private static readonly Coordination.Silo.Common.Actor Officer =
        new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Coordination.Silo.Common.Actor.WardOfficer, "wards/hai-chau-1");

    private static Task<Ward> GetWard(PlatformHost host, string token) =>
        new DirectoryService.DirectoryServiceClient(host.Channel).GetWardAsync(
            new GetWardRequest { Name = "wards/hai-chau-1" }, new Metadata { { "authorization", "Bearer " + token } }).ResponseAsync;

    /// <summary>Repeats <paramref name="call"/> until it answers <paramref name="expected"/>, failing after <paramref name="limit"/>.</summary>
    private static async Task Within(TimeSpan limit, Func<Task> call, StatusCode expected)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            StatusCode got;
            try
            {
                await call();
                got = StatusCode.OK;
            }
            catch (RpcException e)
            {
                got = e.StatusCode;
            }
            if (got == expected)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Still {got} after {limit.TotalSeconds} s, expected {expected}");
            await Task.Delay(200);
        }
    }
}
