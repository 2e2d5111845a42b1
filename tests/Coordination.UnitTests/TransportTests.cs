using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Coordination.Api.Hosting;
using Coordination.Api.Identity;
using Coordination.Client;
using Coordination.Silo.Common;
using Microsoft.Extensions.Time.Testing;

namespace Coordination.UnitTests;

/// <summary>Issue 13's transport rules: no token in cleartext off loopback, client certificates checked, crash points only in test mode.</summary>
public sealed class TransportTests
{
    [Theory]
    [InlineData("127.0.0.1", "", null, false, false)]
    [InlineData("::1", "", null, false, false)]
    [InlineData("localhost", "", null, false, false)]
    [InlineData("0.0.0.0", "/etc/coord/host.pfx", null, false, false)]
    [InlineData("10.1.2.3", "", "1", false, true)]
    [InlineData("0.0.0.0", "", null, true, false)]
    [InlineData("10.1.2.3", "", "true", true, false)]
    public void A_non_loopback_address_needs_TLS_or_the_explicit_opt_in(string address, string certificate, string? allow, bool refused, bool warned)
    {
        var hosting = new HostingOptions { ListenAddress = address, TlsCertificatePath = certificate };
        if (refused)
        {
            var e = Assert.Throws<StartupException>(() => TransportRegistration.CheckCleartext(hosting, allow));
            Assert.Contains("COORD_TLS_CERT", e.Message);
            Assert.Contains("COORD_ALLOW_CLEARTEXT=1", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        var warning = TransportRegistration.CheckCleartext(hosting, allow);
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Contains("WARNING", warning);
        }
    }

    [Theory]
    [InlineData(null, null, null, false, false)]
    [InlineData("after-state-write", null, null, false, true)]
    [InlineData("after-state-write", "0", null, false, true)]
    [InlineData("after-state-write", "1", "after-state-write", true, false)]
    [InlineData(null, "1", null, true, false)]
    public void A_crash_point_is_armed_only_in_test_mode_which_announces_itself(string? killAt, string? testMode, string? armed, bool warned, bool refused)
    {
        Assert.Equal(armed, FaultInjection.Arm(killAt, testMode));
        var (warning, refusal) = FaultInjection.StartupCheck(killAt, testMode);
        Assert.Equal(warned, warning is not null);
        Assert.Equal(refused, refusal is not null);
        if (warned)
        {
            Assert.Contains("TEST MODE", warning);
        }
    }

    [Theory]
    [InlineData("http://10.0.0.5:5080", false, true)]
    [InlineData("http://coordination.example.vn:5080", false, true)]
    [InlineData("http://10.0.0.5:5080", true, false)]
    [InlineData("http://127.0.0.1:5080", false, false)]
    [InlineData("http://localhost:5080", false, false)]
    [InlineData("https://coordination.example.vn", false, false)]
    public void The_client_library_does_not_send_a_token_in_cleartext_off_loopback(string address, bool optIn, bool refused)
    {
        var options = new CoordinationClientOptions { Address = new Uri(address), Token = _ => ValueTask.FromResult("t"), AllowCleartextToken = optIn };
        if (refused)
        {
            var e = Assert.Throws<ArgumentException>(() => new CoordinationClient(options));
            Assert.Contains("https://", e.Message);
            return;
        }
        using var client = new CoordinationClient(options);
        Assert.NotNull(client.Tasks);
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(5));
    }

    private static X509Certificate2 Issued(X509Certificate2 ca, string usage, DateTimeOffset from, DateTimeOffset to)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Cong an phuong Hai Chau I", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        using var signed = request.Create(ca, from, to, RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    [Fact]
    public void A_client_certificate_must_chain_to_the_bundle_be_for_client_auth_and_be_in_its_dates()
    {
        using var ca = Authority("CN=So TT-TT Da Nang test CA");
        using var other = Authority("CN=Some other CA");
        var bundle = Path.Combine(Directory.CreateTempSubdirectory("coord-ca-").FullName, "ca.pem");
        File.WriteAllText(bundle, ca.ExportCertificatePem());
        var policy = new ClientCertificatePolicy(bundle, new FakeTimeProvider(Now));

        using var good = Issued(ca, ClientAuth, Now.AddDays(-1), Now.AddDays(30));
        using var foreign = Issued(other, ClientAuth, Now.AddDays(-1), Now.AddDays(30));
        using var server = Issued(ca, ServerAuth, Now.AddDays(-1), Now.AddDays(30));
        using var expired = Issued(ca, ClientAuth, Now.AddDays(-30), Now.AddDays(-1));
        using var early = Issued(ca, ClientAuth, Now.AddDays(1), Now.AddDays(30));

        Assert.Null(policy.Refusal(good));
        Assert.Contains("trusted CA", policy.Refusal(foreign));
        Assert.Contains("client authentication", policy.Refusal(server));
        Assert.Contains("validity", policy.Refusal(expired));
        Assert.Contains("validity", policy.Refusal(early));

        // Without a bundle: dates and usage still checked, the chain is left to the thumbprint map.
        var pinned = new ClientCertificatePolicy("", new FakeTimeProvider(Now));
        Assert.Null(pinned.Refusal(foreign));
        Assert.NotNull(pinned.Refusal(expired));
        Assert.NotNull(pinned.Refusal(server));
    }

    [Fact]
    public void The_CA_bundle_is_looked_at_again_at_most_once_a_second()
    {
        using var ca = Authority("CN=So TT-TT Da Nang test CA");
        using var next = Authority("CN=So TT-TT Da Nang next CA");
        var bundle = Path.Combine(Directory.CreateTempSubdirectory("coord-ca-").FullName, "ca.pem");
        File.WriteAllText(bundle, ca.ExportCertificatePem());
        var clock = new FakeTimeProvider(Now);
        var policy = new ClientCertificatePolicy(bundle, clock);
        using var old = Issued(ca, ClientAuth, Now.AddDays(-1), Now.AddDays(30));
        using var renewed = Issued(next, ClientAuth, Now.AddDays(-1), Now.AddDays(30));
        Assert.Null(policy.Refusal(old));

        // The operator replaces the bundle: within the second the one read stands (no file access per call)…
        File.WriteAllText(bundle, next.ExportCertificatePem());
        File.SetLastWriteTimeUtc(bundle, DateTime.UtcNow.AddMinutes(1));
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Null(policy.Refusal(old));
        Assert.Contains("trusted CA", policy.Refusal(renewed));

        // …and from the next second the new one does.
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Null(policy.Refusal(renewed));
        Assert.Contains("trusted CA", policy.Refusal(old));
    }

    [Fact]
    public async Task The_thumbprint_map_is_read_again_when_its_file_changes()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("coord-map-").FullName, "client-certificates.json");
        var map = new ClientCertificateMap(path);
        Assert.Null(map.AgencyFor("AA:BB"));

        File.WriteAllText(path, """[{"thumbprint": "AA:BB", "agency": "agencies/hai-chau-1-police"}]""");
        await Eventually(() => map.AgencyFor("aabb") == "agencies/hai-chau-1-police");

        File.WriteAllText(path, """[{"thumbprint": "ccdd", "agency": "agencies/xuan-ha-police"}, {"thumbprint": "eeff", "agency": "agencies/x"}]""");
        await Eventually(() => map.AgencyFor("aabb") is null && map.AgencyFor("CCDD") == "agencies/xuan-ha-police");

        // A broken file keeps the last good map.
        File.WriteAllText(path, "[{\"thumbprint\": ");
        await Task.Delay(1200);
        Assert.Equal("agencies/xuan-ha-police", map.AgencyFor("ccdd"));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 40 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition());
    }
}
