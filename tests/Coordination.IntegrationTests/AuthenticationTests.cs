using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Common;
using Coordination.V1;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Work)]
public sealed class AuthenticationTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");

    private Task<Ward> GetWard(Metadata? headers) =>
        new DirectoryService.DirectoryServiceClient(fixture.Host.Channel)
            .GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" }, headers).ResponseAsync;

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated() =>
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(null));

    [Fact]
    public async Task A_token_signed_with_another_key_is_unauthenticated()
    {
        var otherDir = Directory.CreateTempSubdirectory("coord-other-key-").FullName;
        var forged = new Coordination.Tokens.TokenIssuer(
            Coordination.Tokens.SigningKey.LoadOrCreate(Path.Combine(otherDir, "signing-key.pem")),
            "coordination-platform", "coordination-api", TimeProvider.System).Issue(Officer, TimeSpan.FromHours(1));

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(new Metadata { { "authorization", "Bearer " + forged } }));
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(new Metadata { { "authorization", "Bearer not-a-token" } }));
    }

    [Fact]
    public async Task A_token_with_a_role_the_platform_does_not_know_is_unauthenticated()
    {
        // Signed with the platform's own key, so only the role is wrong: refused at authentication.
        foreach (var role in new[] { "WARD_CHAIRMAN", "ward_officer", Actor.System, "" })
        {
            var token = fixture.Host.TokenFor(new Actor("users/hai-chau-1-officer", "Nguyễn Thị Lan", role, "wards/hai-chau-1"));
            await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(new Metadata { { "authorization", "Bearer " + token } }));
        }
    }

    [Fact]
    public async Task An_expired_token_is_unauthenticated()
    {
        var lastWeek = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-7));
        var expired = fixture.Host.TokenFor(Officer, TimeSpan.FromHours(1), lastWeek);

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(new Metadata { { "authorization", "Bearer " + expired } }));
    }

    [Fact]
    public async Task A_valid_token_is_accepted_and_health_needs_none()
    {
        var ward = await GetWard(new Metadata { { "authorization", "Bearer " + fixture.Host.TokenFor(Officer) } });
        Assert.Equal("Phường Hải Châu I", ward.DisplayName);

        var health = await new Grpc.Health.V1.Health.HealthClient(fixture.Host.Channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }
}
