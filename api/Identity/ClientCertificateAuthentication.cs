using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Coordination.Silo.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Identity;

/// <summary>
/// Agency systems may authenticate with a client certificate (mutual TLS) instead of a token: the
/// certificate's SHA-256 thumbprint is looked up in a mapping file (<c>COORD_CLIENT_CERTS</c>,
/// JSON: <c>[{"thumbprint": "…", "agency": "agencies/…"}]</c>) and the call acts as that agency's
/// system. Unknown certificates authenticate nobody; so do certificates the
/// <see cref="ClientCertificatePolicy"/> refuses (outside their validity dates, not for client
/// authentication, or not issued by the configured CA bundle).
/// </summary>
public sealed class ClientCertificateAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ClientCertificateMap map, ClientCertificatePolicy policy)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Scheme name.</summary>
    public const string SchemeName = "client-certificate";

    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var certificate = Context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (policy.Refusal(certificate) is { } refusal)
        {
            return Task.FromResult(AuthenticateResult.Fail(refusal));
        }
        var thumbprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        if (map.AgencyFor(thumbprint) is not { } agency)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown client certificate."));
        }
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", agency),
            new Claim(TokenIssuer.NameClaim, certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)),
            new Claim(TokenIssuer.RoleClaim, Actor.AgencySystem),
            new Claim(TokenIssuer.ScopeClaim, agency),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>
/// The thumbprint → agency map, read from its file and read again when the file changes (checked at
/// most once a second), so an operator adds or removes an agency's certificate without a restart.
/// A file that cannot be read keeps the last good map.
/// </summary>
public sealed class ClientCertificateMap(string path)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private volatile Snapshot _current = new(DateTime.MinValue, -1, new Dictionary<string, string>());
    private long _nextCheck;

    private sealed record Snapshot(DateTime Written, long Length, IReadOnlyDictionary<string, string> Agencies);

    /// <summary>The agency a certificate thumbprint (SHA-256, hex) belongs to, or null.</summary>
    public string? AgencyFor(string thumbprint)
    {
        Refresh();
        return _current.Agencies.GetValueOrDefault(thumbprint.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant());
    }

    private void Refresh()
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextCheck);
        if (now < next || Interlocked.CompareExchange(ref _nextCheck, now + (long)CheckEvery.TotalMilliseconds, next) != next)
        {
            return;
        }
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            _current = new Snapshot(DateTime.MinValue, -1, new Dictionary<string, string>());
            return;
        }
        if (file.LastWriteTimeUtc == _current.Written && file.Length == _current.Length)
        {
            return;
        }
        try
        {
            _current = new Snapshot(file.LastWriteTimeUtc, file.Length, Parse(File.ReadAllText(path)));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // Half-written or invalid: keep the last good map and look again at the next check.
            Interlocked.Exchange(ref _nextCheck, 0);
        }
    }

    /// <summary>Parses the mapping file's JSON: <c>[{"thumbprint": "…", "agency": "agencies/…"}]</c>.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string json)
    {
        var agencies = new Dictionary<string, string>();
        using var doc = JsonDocument.Parse(json);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            agencies[e.GetProperty("thumbprint").GetString()!.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant()] = e.GetProperty("agency").GetString()!;
        }
        return agencies;
    }
}

/// <summary>
/// What a client certificate must be before its thumbprint is even looked up: inside its validity
/// dates, usable for client authentication (when it names its usages), and — when a CA bundle is
/// configured (<c>COORD_CLIENT_CA</c>, PEM) — issued by one of those CAs through a valid chain. The
/// bundle is read again when its file changes (looked at most once a second).
/// </summary>
public sealed class ClientCertificatePolicy(string caBundlePath, TimeProvider time)
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private volatile Bundle? _bundle;
    private readonly Lock _gate = new();
    private long _nextCheck; // TimeProvider timestamp of the next look at the bundle's file

    /// <summary>Whether a CA bundle is configured.</summary>
    public bool HasCaBundle => caBundlePath.Length > 0;

    /// <summary>Why <paramref name="certificate"/> is refused, or null when it passes.</summary>
    public string? Refusal(X509Certificate2 certificate)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return "The client certificate is outside its validity dates.";
        }
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (usages is not null && !usages.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthentication))
        {
            return "The client certificate is not for client authentication.";
        }
        if (!HasCaBundle)
        {
            return null;
        }
        var roots = Roots();
        if (roots is null)
        {
            return "The client CA bundle cannot be read.";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        return chain.Build(certificate) ? null : "The client certificate is not issued by a trusted CA: "
            + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
    }

    private X509Certificate2Collection? Roots()
    {
        // The file's modification time is looked at at most once a second, not on every call: a
        // certificate-authenticated call then costs no file-system access and no lock (as ClientCertificateMap).
        var bundle = _bundle;
        if (bundle is not null && time.GetTimestamp() < Volatile.Read(ref _nextCheck))
        {
            return bundle.Roots;
        }
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (now < _nextCheck)
            {
                return _bundle?.Roots; // another call looked within the second
            }
            Volatile.Write(ref _nextCheck, now + time.TimestampFrequency);
            try
            {
                var file = new FileInfo(caBundlePath);
                var written = file.LastWriteTimeUtc;
                var length = file.Length;
                if (_bundle is not { } cached || cached.Written != written || cached.Length != length)
                {
                    var roots = new X509Certificate2Collection();
                    roots.ImportFromPemFile(caBundlePath);
                    _bundle = new Bundle(written, length, roots);
                }
                return _bundle.Roots;
            }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
            {
                // Unreadable or half-written: keep the last good bundle, look again a second later.
                return _bundle?.Roots;
            }
        }
    }

    private sealed record Bundle(DateTime Written, long Length, X509Certificate2Collection Roots);
}
