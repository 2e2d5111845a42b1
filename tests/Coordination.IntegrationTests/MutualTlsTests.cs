using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>An agency system authenticating with a client certificate over TLS instead of a token.</summary>
[Collection(Lanes.Work)]
public sealed class MutualTlsTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static X509Certificate2 SelfSigned(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12, "test"), "test");
    }

    [Fact]
    public async Task A_mapped_client_certificate_acts_as_its_agency_and_an_unknown_one_is_unauthenticated()
    {
        var dataDir = Directory.CreateTempSubdirectory("coord-mtls-").FullName;
        var serverPfx = Path.Combine(dataDir, "server.pfx");
        await File.WriteAllBytesAsync(serverPfx, SelfSigned("CN=localhost", server: true).Export(X509ContentType.Pkcs12, "pw"));
        var police = SelfSigned("CN=Cong an phuong Hai Chau I", server: false);
        var stranger = SelfSigned("CN=Unknown system", server: false);
        await File.WriteAllTextAsync(Path.Combine(dataDir, "client-certificates.json"), JsonSerializer.Serialize(new[]
        {
            new { thumbprint = Convert.ToHexStringLower(police.GetCertHash(HashAlgorithmName.SHA256)), agency = "agencies/hai-chau-1-police" },
        }));

        await using var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir,
            environment: new Dictionary<string, string> { ["COORD_TLS_CERT"] = serverPfx, ["COORD_TLS_CERT_PASSWORD"] = "pw" });

        using var asPolice = host.TlsChannel(police);
        var feed = new PartnerService.PartnerServiceClient(asPolice);
        var own = await feed.ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-police" });
        Assert.Equal(0, own.AckedSequence);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () =>
            feed.ListEventsAsync(new ListEventsRequest { Agency = "agencies/xuan-ha-police" }).ResponseAsync);

        // The certificate is also a client credential for TokenService.CreateToken (no secret): a token of at most an hour.
        var exchanged = await new TokenService.TokenServiceClient(asPolice).CreateTokenAsync(new CreateTokenRequest { ClientId = "agencies/hai-chau-1-police" });
        Assert.True(exchanged.ExpireTime.ToDateTimeOffset() <= DateTimeOffset.UtcNow.AddHours(1).AddSeconds(5));
        await new PartnerService.PartnerServiceClient(host.Channel).ListEventsAsync(
            new ListEventsRequest { Agency = "agencies/hai-chau-1-police" }, new Metadata { { "authorization", "Bearer " + exchanged.AccessToken } });
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new TokenService.TokenServiceClient(asPolice)
            .CreateTokenAsync(new CreateTokenRequest { ClientId = "agencies/xuan-ha-police" }).ResponseAsync);

        using var asStranger = host.TlsChannel(stranger);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new PartnerService.PartnerServiceClient(asStranger)
            .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-police" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new TokenService.TokenServiceClient(asStranger)
            .CreateTokenAsync(new CreateTokenRequest { ClientId = "agencies/hai-chau-1-police" }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => new PartnerService.PartnerServiceClient(host.Channel)
            .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-police" }).ResponseAsync);
    }
}
