using System.ComponentModel.DataAnnotations;

namespace Coordination.Api.Hosting;

/// <summary>Where the database is (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Database";

    /// <summary>Npgsql connection string (environment: <c>COORD_DB</c>).</summary>
    [Required(ErrorMessage = "No database: set COORD_DB to a PostgreSQL connection string, or start the platform with ./run.sh.")]
    public string ConnectionString { get; set; } = "";
}

/// <summary>Network and cluster settings of this host (section <c>Hosting</c>).</summary>
public sealed class HostingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Hosting";

    /// <summary>gRPC port (environment: <c>COORD_GRPC_PORT</c>).</summary>
    [Range(1, 65535)]
    public int GrpcPort { get; set; } = 5080;

    /// <summary>HTTP/1.1 port for REST (JSON transcoding) clients (environment: <c>COORD_HTTP_PORT</c>); 0 turns it off.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 5081;

    /// <summary>Address Kestrel listens on (environment: <c>COORD_LISTEN_ADDRESS</c>); loopback by default.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Orleans silo-to-silo port (environment: <c>COORD_SILO_PORT</c>).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Address other silos reach this one on (environment: <c>COORD_SILO_ADDRESS</c>).</summary>
    public string SiloAddress { get; set; } = "127.0.0.1";

    /// <summary>Orleans cluster id: hosts with the same id and database form one cluster (<c>COORD_CLUSTER_ID</c>).</summary>
    public string ClusterId { get; set; } = "coordination";

    /// <summary>PFX certificate for TLS on the gRPC port (environment: <c>COORD_TLS_CERT</c>); cleartext when empty.</summary>
    public string TlsCertificatePath { get; set; } = "";

    /// <summary>Password of the PFX certificate (environment: <c>COORD_TLS_CERT_PASSWORD</c>).</summary>
    public string TlsCertificatePassword { get; set; } = "";
}

/// <summary>The demo directory (section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Demo";

    /// <summary>Seed the Da Nang demo directory on first start (environment: <c>COORD_SEED_DEMO</c>).</summary>
    public bool Seed { get; set; }

    /// <summary>Folder for run data such as dev-credentials.json (environment: <c>COORD_DATA_DIR</c>).</summary>
    public string DataDirectory { get; set; } = ".data";
}

/// <summary>Maps the documented <c>COORD_*</c> environment variables onto configuration keys.</summary>
public static class EnvironmentSettings
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("COORD_DB", "Database:ConnectionString"),
        ("COORD_GRPC_PORT", "Hosting:GrpcPort"),
        ("COORD_HTTP_PORT", "Hosting:HttpPort"),
        ("COORD_LISTEN_ADDRESS", "Hosting:ListenAddress"),
        ("COORD_SILO_PORT", "Hosting:SiloPort"),
        ("COORD_SILO_ADDRESS", "Hosting:SiloAddress"),
        ("COORD_CLUSTER_ID", "Hosting:ClusterId"),
        ("COORD_TLS_CERT", "Hosting:TlsCertificatePath"),
        ("COORD_TLS_CERT_PASSWORD", "Hosting:TlsCertificatePassword"),
        ("COORD_SEED_DEMO", "Demo:Seed"),
        ("COORD_DATA_DIR", "Demo:DataDirectory"),
        ("COORD_SIGNING_KEY", "Security:SigningKeyPath"),
        ("COORD_SIGNING_KEYS", "Security:SigningKeysPath"),
        ("COORD_TOKEN_ISSUER", "Security:Issuer"),
        ("COORD_TOKEN_AUDIENCE", "Security:Audience"),
        ("COORD_OIDC_AUTHORITY", "Security:ExternalAuthority"),
        ("COORD_CLIENT_CERTS", "Security:ClientCertificatesPath"),
        ("COORD_CLIENT_CA", "Security:ClientCaBundlePath"),
        ("COORD_OIDC_AUDIENCE", "Security:ExternalAudience"),
        ("COORD_OIDC_ROLE_CLAIM", "Security:ExternalRoleClaim"),
        ("COORD_OIDC_SCOPE_CLAIM", "Security:ExternalScopeClaim"),
    ];

    /// <summary>The configuration keys set by environment variables present now.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Read() =>
        Map.Select(m => (m.Key, Value: Environment.GetEnvironmentVariable(m.Variable)))
           .Where(m => !string.IsNullOrEmpty(m.Value))
           .Select(m => new KeyValuePair<string, string?>(m.Key, m.Key == "Demo:Seed" && m.Value == "1" ? "true" : m.Value));
}
