using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coordination.Client;
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
        var settings = fixture.Host.Tokens;
        var forged = new Coordination.Tokens.TokenIssuer(
            Coordination.Tokens.SigningKey.LoadOrCreate(Path.Combine(otherDir, "signing-key.pem")),
            settings.Issuer, settings.Audience, TimeProvider.System).Issue(Officer, TimeSpan.FromHours(1));

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

    public static TheoryData<string> RefusedTokens() =>
        ["expired", "not yet valid", "wrong issuer", "wrong audience", "alg none", "HS256 with the public key", "retired key", "revoked", "oversized header"];

    /// <summary>
    /// The token table: each of these tokens is UNAUTHENTICATED (never INTERNAL), and the refusal is
    /// in the audit trail with its reason and without the token.
    /// </summary>
    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_bad_token_is_unauthenticated_and_audited(string kind)
    {
        var host = fixture.Host;
        var settings = host.Tokens;
        var key = host.SigningKey;
        var token = kind switch
        {
            "expired" => host.TokenFor(Officer, TimeSpan.FromHours(1), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2))),
            "not yet valid" => host.TokenFor(Officer, TimeSpan.FromHours(1), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10))),
            "wrong issuer" => new TokenIssuer(key.Key, "someone-else", settings.Audience, TimeProvider.System).Issue(Officer, TimeSpan.FromHours(1)),
            "wrong audience" => new TokenIssuer(key.Key, settings.Issuer, "another-api", TimeProvider.System).Issue(Officer, TimeSpan.FromHours(1)),
            "alg none" => Unsigned(settings, key.KeyId),
            "HS256 with the public key" => HmacWithPublicKey(settings, key),
            "retired key" => await RetiredKeyToken(),
            "revoked" => await RevokedToken(),
            "oversized header" => Oversized(settings, key),
            _ => throw new ArgumentException(kind),
        };
        var before = await RefusedCount();

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(new Metadata { { "authorization", "Bearer " + token } }));

        // Audited in the next batch: one more refused authentication of GetWard, naming no token.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await RefusedCount() == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(await RefusedCount() > before, $"the refused {kind} token was not audited");
        var signature = token.Split('.').Last();
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            $"select count(*) from audit_events where outcome = 'UNAUTHENTICATED' and length('{signature}') > 8 and position('{signature}' in detail) > 0"));
    }

    private Task<long> RefusedCount() => fixture.Database.ScalarAsync<long>(
        "select count(*) from audit_events where outcome = 'UNAUTHENTICATED' and method = 'coordination.v1.DirectoryService/GetWard' and detail <> ''");

    private static string Segment(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Dictionary<string, object> Claims(TokenSettings settings)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new()
        {
            ["iss"] = settings.Issuer, ["aud"] = settings.Audience, ["sub"] = Officer.Principal, ["name"] = Officer.DisplayName,
            ["role"] = Officer.Role, ["scope"] = Officer.Scope, ["jti"] = Guid.NewGuid().ToString("N"), ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
        };
    }

    private static string Unsigned(TokenSettings settings, string kid) =>
        Segment(new { alg = "none", typ = "JWT", kid }) + "." + Segment(Claims(settings)) + ".";

    /// <summary>The classic key-confusion forgery: HMAC keyed with the bytes of the platform's public key (PEM), naming its kid.</summary>
    private static string HmacWithPublicKey(TokenSettings settings, RingKey key)
    {
        var publicPem = key.Key.ECDsa.ExportSubjectPublicKeyInfoPem();
        var signed = Segment(new { alg = "HS256", typ = "JWT", kid = key.KeyId }) + "." + Segment(Claims(settings));
        return signed + "." + Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(publicPem), Encoding.ASCII.GetBytes(signed)));
    }

    /// <summary>A JOSE header of 20 KB, properly signed by the platform's key.</summary>
    private static string Oversized(TokenSettings settings, RingKey key)
    {
        var signed = Segment(new { alg = "ES256", typ = "JWT", kid = key.KeyId, pad = new string('x', 20 * 1024) }) + "." + Segment(Claims(settings));
        var signature = key.Key.ECDsa.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return signed + "." + Base64Url(signature);
    }

    /// <summary>A key added to the host's ring, then retired: the host refuses its tokens within 10 s (it re-reads the ring every 2 s).</summary>
    private async Task<string> RetiredKeyToken()
    {
        var dir = fixture.Host.Tokens.SigningKeysPath;
        var old = KeyRingDirectory.Rotate(dir, DateTimeOffset.UtcNow.AddDays(-60), TimeSpan.Zero, TimeSpan.FromDays(1));
        var retired = KeyRingDirectory.Retire(dir, old.KeyId, DateTimeOffset.UtcNow.AddMinutes(-1));
        var token = fixture.Host.TokenFor(Officer, key: retired);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await GetWard(new Metadata { { "authorization", "Bearer " + token } });
                await Task.Delay(200);
            }
            catch (RpcException)
            {
                break;
            }
        }
        return token;
    }

    /// <summary>A token that works, then is revoked by its id (TokenService.RevokeToken as a coordinator).</summary>
    private async Task<string> RevokedToken()
    {
        var issued = fixture.Host.IssuedFor(Officer);
        await GetWard(new Metadata { { "authorization", "Bearer " + issued.Token } });
        await new TokenService.TokenServiceClient(fixture.Host.Coordinator).RevokeTokenAsync(new RevokeTokenRequest
        {
            TokenId = issued.Id, Reason = "Thiết bị bị mất", RequestId = Guid.NewGuid().ToString(),
        });
        return issued.Token;
    }

    [Fact]
    public async Task An_agency_system_exchanges_its_client_secret_for_short_tokens_refreshed_by_the_client_library()
    {
        const string Police = "agencies/hai-chau-1-police";
        var tokens = new TokenService.TokenServiceClient(fixture.Host.Coordinator);
        var secret = (await tokens.RotateClientSecretAsync(new RotateClientSecretRequest { Agency = Police, RequestId = Guid.NewGuid().ToString() })).ClientSecret;
        var address = new Uri($"http://127.0.0.1:{fixture.Host.GrpcPort}");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var credential = new ClientSecretCredential(address, Police, secret, clock);
        using var client = new CoordinationClient(new CoordinationClientOptions { Address = address, Token = credential.GetTokenAsync });

        var feed = await client.Partner.ListEventsAsync(new ListEventsRequest { Agency = Police }, client.Call());
        var first = await credential.GetTokenAsync(default);
        Assert.Equal(1, credential.Exchanges);
        // At most one hour, and it names the agency system.
        var exchanged = await new TokenService.TokenServiceClient(fixture.Host.Channel).CreateTokenAsync(new CreateTokenRequest { ClientId = Police, ClientSecret = secret });
        Assert.InRange(exchanged.ExpireTime.ToDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(58), TimeSpan.FromHours(1));
        Assert.Equal("Bearer", exchanged.TokenType);

        // Near its expiry the library exchanges again by itself.
        clock.Advance(TimeSpan.FromMinutes(56));
        await client.Partner.ListEventsAsync(new ListEventsRequest { Agency = Police }, client.Call());
        Assert.Equal(2, credential.Exchanges);
        Assert.NotEqual(first, await credential.GetTokenAsync(default));
        Assert.True(feed.LastSequence >= 0);

        // A wrong secret, an unknown agency and, after rotation, the old secret: all UNAUTHENTICATED alike.
        var anonymous = new TokenService.TokenServiceClient(fixture.Host.Channel);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = Police, ClientSecret = secret + "x" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = "agencies/no-such-agency", ClientSecret = secret }).ResponseAsync);
        await tokens.RotateClientSecretAsync(new RotateClientSecretRequest { Agency = Police, RequestId = Guid.NewGuid().ToString() });
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = Police, ClientSecret = secret }).ResponseAsync);
        // Without a secret or a client certificate, nothing; and the field is named.
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = Police }).ResponseAsync);
        await RpcAssert.FailsWithFields(() => anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = "police" }).ResponseAsync, "client_id");
        // Each exchange is audited (batched), naming the token id it issued.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long audited;
        while ((audited = await fixture.Database.ScalarAsync<long>(
            $"select count(*) from audit_events where method = 'coordination.v1.TokenService/CreateToken' and outcome = 'OK' and detail like 'ISSUED: token {exchanged.TokenId} %'")) == 0
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal(1L, audited);
    }

    [Fact]
    public async Task Revoking_an_agency_refuses_its_tokens_and_its_secret()
    {
        const string Agency = "agencies/hai-chau-1-health";
        var tokens = new TokenService.TokenServiceClient(fixture.Host.Coordinator);
        var secret = (await tokens.RotateClientSecretAsync(new RotateClientSecretRequest { Agency = Agency, RequestId = Guid.NewGuid().ToString() })).ClientSecret;
        var anonymous = new TokenService.TokenServiceClient(fixture.Host.Channel);
        var token = (await anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = Agency, ClientSecret = secret })).AccessToken;
        var asAgency = new Metadata { { "authorization", "Bearer " + token } };
        var partner = new PartnerService.PartnerServiceClient(fixture.Host.Channel);
        await partner.ListEventsAsync(new ListEventsRequest { Agency = Agency }, asAgency);

        await tokens.RevokeTokenAsync(new RevokeTokenRequest { Principal = Agency, Reason = "Ngừng kết nối", RequestId = Guid.NewGuid().ToString() });

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => partner.ListEventsAsync(new ListEventsRequest { Agency = Agency }, asAgency).ResponseAsync);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => anonymous.CreateTokenAsync(new CreateTokenRequest { ClientId = Agency, ClientSecret = secret }).ResponseAsync);
        // Exactly one of token_id and principal, each named when wrong; coordinators only.
        await RpcAssert.FailsWithFields(() => tokens.RevokeTokenAsync(new RevokeTokenRequest { Reason = "x", RequestId = "r" }).ResponseAsync, "token_id");
        await RpcAssert.FailsWithFields(() => tokens.RevokeTokenAsync(new RevokeTokenRequest { Principal = "wards/x", RequestId = "" }).ResponseAsync,
            "principal", "reason", "request_id");
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => new TokenService.TokenServiceClient(fixture.Host.As(Officer))
            .RevokeTokenAsync(new RevokeTokenRequest { TokenId = "abc", Reason = "x", RequestId = "r" }).ResponseAsync);
    }
}
