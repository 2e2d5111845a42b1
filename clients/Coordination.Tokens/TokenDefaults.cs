namespace Coordination.Tokens;

/// <summary>
/// Where the platform's own tokens come from and whom they are for: the one place that holds the
/// defaults. The host binds these from its <c>Security</c> section; the CLI and the tests read the same
/// environment variables (<see cref="FromEnvironment"/>), so a deployment that changes them changes
/// them everywhere.
/// </summary>
public sealed class TokenSettings
{
    /// <summary>Default issuer (<c>iss</c>) of the platform's tokens.</summary>
    public const string DefaultIssuer = "coordination-platform";

    /// <summary>Default audience (<c>aud</c>) of the platform's tokens.</summary>
    public const string DefaultAudience = "coordination-api";

    /// <summary>Folder name of the key ring inside the data folder.</summary>
    public const string KeysFolder = "keys";

    /// <summary>File name of the single signing key used before the key ring (read as a legacy key).</summary>
    public const string LegacyKeyFile = "signing-key.pem";

    /// <summary>Issuer (environment: <c>COORD_TOKEN_ISSUER</c>).</summary>
    public string Issuer { get; init; } = DefaultIssuer;

    /// <summary>Audience (environment: <c>COORD_TOKEN_AUDIENCE</c>).</summary>
    public string Audience { get; init; } = DefaultAudience;

    /// <summary>The key ring folder (environment: <c>COORD_SIGNING_KEYS</c>; default <c>$COORD_DATA_DIR/keys</c>).</summary>
    public string SigningKeysPath { get; init; } = "";

    /// <summary>The legacy single key file (environment: <c>COORD_SIGNING_KEY</c>; default <c>$COORD_DATA_DIR/signing-key.pem</c>).</summary>
    public string LegacyKeyPath { get; init; } = "";

    /// <summary>The settings of the local platform as the environment gives them, with paths under <paramref name="dataDirectory"/>.</summary>
    public static TokenSettings FromEnvironment(string dataDirectory)
    {
        static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        return new TokenSettings
        {
            Issuer = Get("COORD_TOKEN_ISSUER") ?? DefaultIssuer,
            Audience = Get("COORD_TOKEN_AUDIENCE") ?? DefaultAudience,
            SigningKeysPath = Get("COORD_SIGNING_KEYS") ?? Path.Combine(dataDirectory, KeysFolder),
            LegacyKeyPath = Get("COORD_SIGNING_KEY") ?? Path.Combine(dataDirectory, LegacyKeyFile),
        };
    }
}
