using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coordination.Silo.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Identity;

/// <summary>
/// Agency systems may authenticate with a client certificate (mutual TLS) instead of a token: the
/// certificate's SHA-256 thumbprint is looked up in a mapping file (<c>COORD_CLIENT_CERTS</c>,
/// JSON: <c>[{"thumbprint": "…", "agency": "agencies/…"}]</c>) and the call acts as that agency's
/// system. Unknown certificates authenticate nobody.
/// </summary>
public sealed class ClientCertificateAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ClientCertificateMap map)
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

/// <summary>The thumbprint → agency map, read from its file at start.</summary>
public sealed class ClientCertificateMap
{
    private readonly Dictionary<string, string> _agencies;

    /// <summary>Loads <paramref name="path"/>; a missing file maps nothing.</summary>
    public ClientCertificateMap(string path)
    {
        _agencies = [];
        if (!File.Exists(path))
        {
            return;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            _agencies[e.GetProperty("thumbprint").GetString()!.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant()] = e.GetProperty("agency").GetString()!;
        }
    }

    /// <summary>The agency a certificate thumbprint (SHA-256, hex) belongs to, or null.</summary>
    public string? AgencyFor(string thumbprint) => _agencies.GetValueOrDefault(thumbprint.ToLowerInvariant());
}
