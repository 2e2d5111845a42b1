using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Rpc;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>One host with tight limits for the class; each test uses its own credentials, so their buckets do not meet.</summary>
public sealed class LimitedHostFixture : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public PlatformHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        Host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, environment: new Dictionary<string, string>
        {
            ["Limits__CallsPerSecond"] = "5",
            ["Limits__Burst"] = "5",
            ["Limits__StreamsPerCredential"] = "2",
            ["Limits__FailedAuthenticationsPerAddressBurst"] = "3",
            ["Limits__FailedAuthenticationsPerAddressPerMinute"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _db.DisposeAsync();
    }
}

[Collection(Lanes.Work)]
public sealed class LimitsTests(LimitedHostFixture fixture) : IClassFixture<LimitedHostFixture>
{
    private readonly PlatformHost _host = fixture.Host;

    [Fact]
    public async Task Failed_authentications_from_one_address_are_slowed_down_but_valid_credentials_are_not()
    {
        var anonymous = new DirectoryService.DirectoryServiceClient(_host.Channel);
        var forged = new Metadata { { "authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln" } };
        for (var i = 0; i < 3; i++)
        {
            await RpcAssert.Fails(StatusCode.Unauthenticated, () => anonymous.GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" }, forged).ResponseAsync);
        }
        var limited = await Assert.ThrowsAsync<RpcException>(() => anonymous.GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, limited.StatusCode);
        Assert.True(limited.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        // REST callers from the same address get 429 with Retry-After.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.HttpPort}") };
        using var rest = await http.GetAsync("/v1/users");
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, rest.StatusCode);
        Assert.NotNull(rest.Headers.RetryAfter);
        // A valid credential from the same address is served.
        var auditor = new DirectoryService.DirectoryServiceClient(_host.As(new Coordination.Silo.Common.Actor(
            "users/limits-auditor", "Kiểm tra", Coordination.Silo.Common.Actor.Auditor, "city")));
        Assert.Equal("Phường Hải Châu I", (await auditor.GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" })).DisplayName);
    }

    [Fact]
    public async Task A_credential_holds_at_most_the_configured_number_of_open_streams()
    {
        var police = new PartnerService.PartnerServiceClient(_host.As(new Coordination.Silo.Common.Actor(
            "agencies/hai-chau-1-police", "Công an phường Hải Châu I", Coordination.Silo.Common.Actor.AgencySystem, "agencies/hai-chau-1-police")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = police.WatchEvents(new WatchEventsRequest { Agency = "agencies/hai-chau-1-police", AfterSequence = long.MaxValue - 1 }, cancellationToken: cts.Token);
        var second = police.WatchEvents(new WatchEventsRequest { Agency = "agencies/hai-chau-1-police", AfterSequence = long.MaxValue - 1 }, cancellationToken: cts.Token);
        // Both are open and waiting: a read ends only at its deadline.
        await Task.Delay(1500);

        using var third = police.WatchEvents(new WatchEventsRequest { Agency = "agencies/hai-chau-1-police", AfterSequence = long.MaxValue - 1 },
            deadline: DateTime.UtcNow.AddSeconds(10));
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);

        // Closing one frees its place.
        first.Dispose();
        await Task.Delay(1000);
        using var fourth = police.WatchEvents(new WatchEventsRequest { Agency = "agencies/hai-chau-1-police", AfterSequence = long.MaxValue - 1 },
            deadline: DateTime.UtcNow.AddSeconds(2));
        var waited = await Assert.ThrowsAsync<RpcException>(() => fourth.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.DeadlineExceeded, waited.StatusCode);
        second.Dispose();
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
