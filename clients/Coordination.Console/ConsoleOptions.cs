namespace Coordination.WebConsole;

/// <summary>Settings of the console (section <c>Console</c>; environment variables in <see cref="FromEnvironment"/>).</summary>
public sealed class ConsoleOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Console";

    /// <summary>The platform's gRPC address (<c>COORD_PLATFORM_URL</c>).</summary>
    public string PlatformUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Address the console listens on (<c>COORD_CONSOLE_LISTEN_ADDRESS</c>).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>HTTP port of the console (<c>COORD_CONSOLE_PORT</c>).</summary>
    public int Port { get; set; } = 5090;

    /// <summary>PFX certificate: the console then serves HTTPS only (<c>COORD_CONSOLE_TLS_CERT</c>).</summary>
    public string TlsCertificatePath { get; set; } = "";

    /// <summary>Password of <see cref="TlsCertificatePath"/> (<c>COORD_CONSOLE_TLS_CERT_PASSWORD</c>).</summary>
    public string TlsCertificatePassword { get; set; } = "";

    /// <summary>
    /// Folder of the run data (<c>COORD_DATA_DIR</c>): the console keeps its cookie-encryption keys in
    /// <c>console-keys/</c> there, so a restart does not sign people out.
    /// </summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Deadline of each unary call to the platform.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An OpenID Connect provider people may sign in with (<c>COORD_OIDC_AUTHORITY</c>).</summary>
    public string OidcAuthority { get; set; } = "";

    /// <summary>The console's client id at the provider (<c>COORD_OIDC_CLIENT_ID</c>).</summary>
    public string OidcClientId { get; set; } = "coordination-console";

    /// <summary>The console's client secret at the provider (<c>COORD_OIDC_CLIENT_SECRET</c>).</summary>
    public string OidcClientSecret { get; set; } = "";

    /// <summary>Claim of the provider's token that carries the platform role (<c>COORD_OIDC_ROLE_CLAIM</c>).</summary>
    public string OidcRoleClaim { get; set; } = "role";

    /// <summary>Claim of the provider's token that carries the jurisdiction (<c>COORD_OIDC_SCOPE_CLAIM</c>).</summary>
    public string OidcScopeClaim { get; set; } = "coord_scope";

    /// <summary>Maps the console's environment variables onto configuration keys.</summary>
    public static Dictionary<string, string?> FromEnvironment()
    {
        var map = new Dictionary<string, string>
        {
            ["COORD_PLATFORM_URL"] = nameof(PlatformUrl),
            ["COORD_CONSOLE_LISTEN_ADDRESS"] = nameof(ListenAddress),
            ["COORD_CONSOLE_PORT"] = nameof(Port),
            ["COORD_CONSOLE_TLS_CERT"] = nameof(TlsCertificatePath),
            ["COORD_CONSOLE_TLS_CERT_PASSWORD"] = nameof(TlsCertificatePassword),
            ["COORD_DATA_DIR"] = nameof(DataDirectory),
            ["COORD_OIDC_AUTHORITY"] = nameof(OidcAuthority),
            ["COORD_OIDC_CLIENT_ID"] = nameof(OidcClientId),
            ["COORD_OIDC_CLIENT_SECRET"] = nameof(OidcClientSecret),
            ["COORD_OIDC_ROLE_CLAIM"] = nameof(OidcRoleClaim),
            ["COORD_OIDC_SCOPE_CLAIM"] = nameof(OidcScopeClaim),
        };
        var settings = new Dictionary<string, string?>();
        foreach (var (variable, key) in map)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                settings[$"{Section}:{key}"] = value;
            }
        }
        return settings;
    }
}
