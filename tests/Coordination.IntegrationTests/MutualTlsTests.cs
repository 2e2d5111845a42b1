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

    private static X509Certificate2 Authority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test agency CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 IssuedBy(X509Certificate2 ca, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "test"), "test");
    }

    private static string Map(params (X509Certificate2 Certificate, string Agency)[] entries) => JsonSerializer.Serialize(
        entries.Select(e => new { thumbprint = Convert.ToHexStringLower(e.Certificate.GetCertHash(HashAlgorithmName.SHA256)), agency = e.Agency }));

    [Fact]
    public async Task A_mapped_client_certificate_of_the_CA_acts_as_its_agency_and_others_are_unauthenticated_and_the_map_reloads()
    {
        var dataDir = Directory.CreateTempSubdirectory("coord-mtls-").FullName;
        var serverPfx = Path.Combine(dataDir, "server.pfx");
        await File.WriteAllBytesAsync(serverPfx, SelfSigned("CN=localhost", server: true).Export(X509ContentType.Pkcs12, "pw"));
        using var ca = Authority();
        var bundle = Path.Combine(dataDir, "agency-ca.pem");
        await File.WriteAllTextAsync(bundle, ca.ExportCertificatePem());
        var police = IssuedBy(ca, "CN=Cong an phuong Hai Chau I");
        var stranger = IssuedBy(ca, "CN=Unknown system");
        // In the map, but not issued by the configured CA: refused all the same.
        var selfMade = SelfSigned("CN=Self-made copy", server: false);
        var mapFile = Path.Combine(dataDir, "client-certificates.json");
        await File.WriteAllTextAsync(mapFile, Map((police, "agencies/hai-chau-1-police"), (selfMade, "agencies/hai-chau-1-police")));

        await using var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir,
            environment: new Dictionary<string, string> { ["COORD_TLS_CERT"] = serverPfx, ["COORD_TLS_CERT_PASSWORD"] = "pw", ["COORD_CLIENT_CA"] = bundle });

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
        using (var asSelfMade = host.TlsChannel(selfMade))
        {
            await RpcAssert.Fails(StatusCode.Unauthenticated, () => new PartnerService.PartnerServiceClient(asSelfMade)
                .ListEventsAsync(new ListEventsRequest { Agency = "agencies/hai-chau-1-police" }).ResponseAsync);
        }

        // The operator maps the stranger's certificate to Xuân Hà's police: no restart needed.
        await File.WriteAllTextAsync(mapFile, Map((police, "agencies/hai-chau-1-police"), (stranger, "agencies/xuan-ha-police")));
        var strangerFeed = new PartnerService.PartnerServiceClient(asStranger);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                var theirs = await strangerFeed.ListEventsAsync(new ListEventsRequest { Agency = "agencies/xuan-ha-police" });
                Assert.Equal(0, theirs.AckedSequence);
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
