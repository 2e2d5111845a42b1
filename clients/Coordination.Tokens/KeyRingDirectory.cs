using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Tokens;

/// <summary>
/// The key ring on disk: one JSON file per key (<c>{kid}.json</c>: its times, its longest token
/// lifetime and the private key as PKCS#8 PEM), owner-only, written to a temporary file and renamed so
/// a reader never sees half a key. Hosts of a cluster read the same folder (shared, or copied to each
/// machine); <c>coord key rotate</c> writes it. Nothing here talks to a database.
/// </summary>
public static class KeyRingDirectory
{
    /// <summary>Longest token lifetime of a key made by <see cref="Rotate"/> unless told otherwise.</summary>
    public static readonly TimeSpan DefaultMaxTokenLifetime = TimeSpan.FromDays(30);

    /// <summary>
    /// Longest token lifetime of the legacy key: the old <c>coord token issue --days</c> allowed ten years,
    /// so the legacy key verifies until retired by hand (<c>coord key retire</c>) once its tokens are replaced.
    /// </summary>
    public static readonly TimeSpan LegacyMaxTokenLifetime = TimeSpan.FromDays(3650);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The key id of <paramref name="key"/>: the first 16 hex digits of the SHA-256 of its public point (as the legacy key had).</summary>
    public static string KeyIdOf(ECDsa key)
    {
        var parameters = key.ExportParameters(false);
        return Convert.ToHexStringLower(SHA256.HashData([.. parameters.Q.X!, .. parameters.Q.Y!]))[..16];
    }

    /// <summary>Every readable key in <paramref name="directory"/> (none when it does not exist); unreadable files are named in <paramref name="problems"/>.</summary>
    public static KeyRing Load(string directory, List<string>? problems = null)
    {
        if (!Directory.Exists(directory))
        {
            return KeyRing.Empty;
        }
        var keys = new List<RingKey>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            try
            {
                keys.Add(Read(path));
            }
            catch (Exception e) when (e is IOException or JsonException or CryptographicException or ArgumentException or FormatException or UnauthorizedAccessException)
            {
                problems?.Add($"{path}: {e.Message}");
            }
        }
        return new KeyRing(keys);
    }

    /// <summary>Reads one key file.</summary>
    public static RingKey Read(string path)
    {
        var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path), Json) ?? throw new FormatException("empty key file");
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(file.PrivateKey);
        var kid = KeyIdOf(ecdsa);
        if (kid != file.KeyId)
        {
            throw new FormatException($"the key's id is {kid}, the file says {file.KeyId}");
        }
        return new RingKey(kid, file.CreateTime, file.ActivateTime, file.MaxTokenLifetime, file.RetireTime, file.Legacy, new ECDsaSecurityKey(ecdsa) { KeyId = kid });
    }

    /// <summary>
    /// Adds a new key to the ring in <paramref name="directory"/>: it verifies at once and signs from
    /// <paramref name="now"/> + <paramref name="activateAfter"/> (time for every host to learn it first).
    /// </summary>
    public static RingKey Rotate(string directory, DateTimeOffset now, TimeSpan activateAfter, TimeSpan maxTokenLifetime)
    {
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = new KeyFile(KeyIdOf(fresh), now, now + activateAfter, maxTokenLifetime, null, false, fresh.ExportPkcs8PrivateKeyPem());
        Write(directory, file, overwrite: false);
        return Read(PathOf(directory, file.KeyId));
    }

    /// <summary>Retires key <paramref name="keyId"/> at <paramref name="at"/> (it verifies nothing from then on).</summary>
    public static RingKey Retire(string directory, string keyId, DateTimeOffset at)
    {
        var path = PathOf(directory, keyId);
        var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path), Json) ?? throw new FormatException("empty key file");
        Write(directory, file with { RetireTime = at }, overwrite: true);
        return Read(path);
    }

    /// <summary>
    /// Brings the single key file of earlier versions (<paramref name="legacyPath"/>) into the ring, once:
    /// it keeps its id (so the tokens it signed still name it), counts as activated when the file was
    /// written, and verifies for <see cref="LegacyMaxTokenLifetime"/> after a newer key takes over. True when imported now.
    /// </summary>
    public static bool ImportLegacy(string directory, string legacyPath)
    {
        if (!File.Exists(legacyPath))
        {
            return false;
        }
        using var legacy = ECDsa.Create();
        legacy.ImportFromPem(File.ReadAllText(legacyPath));
        var kid = KeyIdOf(legacy);
        if (File.Exists(PathOf(directory, kid)))
        {
            return false;
        }
        var written = new DateTimeOffset(File.GetLastWriteTimeUtc(legacyPath), TimeSpan.Zero);
        return Write(directory, new KeyFile(kid, written, written, LegacyMaxTokenLifetime, null, true, legacy.ExportPkcs8PrivateKeyPem()), overwrite: false);
    }

    /// <summary>
    /// The ring of <paramref name="directory"/>, after importing the legacy key and, when no key signs or
    /// will sign, adding one that signs at once (first start). Safe if two hosts race: at worst both add a key.
    /// </summary>
    public static KeyRing Ensure(string directory, string legacyPath, DateTimeOffset now)
    {
        ImportLegacy(directory, legacyPath);
        var ring = Load(directory);
        if (ring.Signing(now) is null && !ring.Keys.Any(k => ring.StatusOf(k, now) == KeyStatus.Pending))
        {
            Rotate(directory, now, TimeSpan.Zero, DefaultMaxTokenLifetime);
            ring = Load(directory);
        }
        return ring;
    }

    private static string PathOf(string directory, string keyId) =>
        Path.Combine(directory, keyId.All(char.IsAsciiHexDigitLower) ? keyId + ".json" : throw new ArgumentException($"'{keyId}' is not a key id.", nameof(keyId)));

    private static bool Write(string directory, KeyFile file, bool overwrite)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var path = PathOf(directory, file.KeyId);
        var temp = Path.Combine(directory, "." + file.KeyId + "." + Guid.NewGuid().ToString("N") + ".tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(file, Json));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite)
        {
            // Another host imported the same key first.
            File.Delete(temp);
            return false;
        }
    }

    private sealed record KeyFile(
        [property: JsonPropertyName("kid")] string KeyId,
        DateTimeOffset CreateTime,
        DateTimeOffset ActivateTime,
        TimeSpan MaxTokenLifetime,
        DateTimeOffset? RetireTime,
        bool Legacy,
        string PrivateKey);
}
