namespace Coordination.Api.Identity;

/// <summary>Token validation and issuing (section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Security";

    /// <summary>Issuer of the platform's own tokens (environment: <c>COORD_TOKEN_ISSUER</c>).</summary>
    public string Issuer { get; set; } = TokenSettings.DefaultIssuer;

    /// <summary>Audience every accepted token must name (environment: <c>COORD_TOKEN_AUDIENCE</c>).</summary>
    public string Audience { get; set; } = TokenSettings.DefaultAudience;

    /// <summary>
    /// Folder of the signing key ring (environment: <c>COORD_SIGNING_KEYS</c>); default
    /// <c>$COORD_DATA_DIR/keys</c>, with a first key made on first start. Hosts of one cluster read
    /// the same keys (a shared folder, or the same files on every machine); <c>coord key rotate</c>
    /// adds one.
    /// </summary>
    public string SigningKeysPath { get; set; } = "";

    /// <summary>
    /// The single PEM key file of earlier versions (environment: <c>COORD_SIGNING_KEY</c>); default
    /// <c>$COORD_DATA_DIR/signing-key.pem</c>. When present it is imported into the ring at start, so
    /// the tokens it signed keep working.
    /// </summary>
    public string SigningKeyPath { get; set; } = "";

    /// <summary>How often each host re-reads the key ring folder; at most 5 s.</summary>
    public TimeSpan KeyRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest accepted <see cref="KeyRefresh"/>.</summary>
    public static readonly TimeSpan MaxKeyRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Lifetime of the token an agency system gets from TokenService.CreateToken; at most 1 hour.</summary>
    public TimeSpan AgencyTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest <see cref="AgencyTokenLifetime"/> accepted at start.</summary>
    public static readonly TimeSpan MaxAgencyTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>Token exchanges (CreateToken) per agency: burst, and sustained per minute.</summary>
    public int TokenRequestsPerClientBurst { get; set; } = 20;

    /// <summary>Token exchanges per agency per minute, sustained.</summary>
    public int TokenRequestsPerClientPerMinute { get; set; } = 10;

    /// <summary>Token exchanges per source address: burst.</summary>
    public int TokenRequestsPerAddressBurst { get; set; } = 100;

    /// <summary>Token exchanges per source address per minute, sustained.</summary>
    public int TokenRequestsPerAddressPerMinute { get; set; } = 120;

    /// <summary>Largest bearer token accepted, in bytes: a longer one is refused before it is parsed.</summary>
    public int MaxTokenBytes { get; set; } = 8 * 1024;

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
