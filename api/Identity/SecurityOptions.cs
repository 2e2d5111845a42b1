namespace Coordination.Api.Identity;

/// <summary>Token validation and issuing (section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Security";

    /// <summary>Issuer of the platform's own tokens.</summary>
    public string Issuer { get; set; } = "coordination-platform";

    /// <summary>Audience every accepted token must name.</summary>
    public string Audience { get; set; } = "coordination-api";

    /// <summary>
    /// PEM file of the platform's ECDSA P-256 signing key (environment: <c>COORD_SIGNING_KEY</c>);
    /// default <c>$COORD_DATA_DIR/signing-key.pem</c>, generated on first start. Hosts of one
    /// cluster must share it.
    /// </summary>
    public string SigningKeyPath { get; set; } = "";

    /// <summary>An external OpenID Connect issuer whose tokens are also accepted (environment: <c>COORD_OIDC_AUTHORITY</c>).</summary>
    public string ExternalAuthority { get; set; } = "";

    /// <summary>Audience for the external issuer's tokens (environment: <c>COORD_OIDC_AUDIENCE</c>).</summary>
    public string ExternalAudience { get; set; } = "";

    /// <summary>Claim of the external issuer's tokens that carries the role (environment: <c>COORD_OIDC_ROLE_CLAIM</c>).</summary>
    public string ExternalRoleClaim { get; set; } = "role";

    /// <summary>Claim of the external issuer's tokens that carries the jurisdiction: city, wards/{ward} or agencies/{agency} (environment: <c>COORD_OIDC_SCOPE_CLAIM</c>).</summary>
    public string ExternalScopeClaim { get; set; } = "coord_scope";

    /// <summary>
    /// JSON file mapping client-certificate thumbprints to agencies, for agency systems using mutual
    /// TLS (environment: <c>COORD_CLIENT_CERTS</c>); default <c>$COORD_DATA_DIR/client-certificates.json</c>.
    /// Only used when the gRPC port serves TLS.
    /// </summary>
    public string ClientCertificatesPath { get; set; } = "";

    /// <summary>
    /// PEM bundle of the CAs that issue agency systems' client certificates (environment:
    /// <c>COORD_CLIENT_CA</c>). When set, a client certificate must chain to one of them, for client
    /// authentication, inside its dates, as well as be in the thumbprint map.
    /// </summary>
    public string ClientCaBundlePath { get; set; } = "";

    /// <summary>Lifetime of the token a person gets at sign-in (AccountService.SignIn); at most 12 hours.</summary>
    public TimeSpan PersonTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Longest <see cref="PersonTokenLifetime"/> accepted at start.</summary>
    public static readonly TimeSpan MaxPersonTokenLifetime = TimeSpan.FromHours(12);

    /// <summary>Lifetime of the demo tokens written to dev-credentials.json.</summary>
    public TimeSpan DemoTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}
