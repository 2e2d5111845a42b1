namespace Coordination.Cli.Backup;

/// <summary>
/// The files of a data folder that a backup carries besides the database: the token signing key
/// (<c>COORD_SIGNING_KEY</c> or <c>signing-key.pem</c>), the key ring folder <c>keys/</c> when it
/// exists, the client certificate map (<c>COORD_CLIENT_CERTS</c> or <c>client-certificates.json</c>),
/// and the demo's credentials (<c>dev-credentials.json</c>, <c>demo-passwords.json</c>: without them
/// a restored demo cannot be signed into, since the accounts' password hashes are in the database).
/// The PostgreSQL cluster (<c>pg/</c>) is not copied: the dump is the database.
/// </summary>
public static class DataFolderFiles
{
    /// <summary>The signing key's name in a data folder.</summary>
    public const string SigningKey = "signing-key.pem";

    /// <summary>The key ring folder's name in a data folder.</summary>
    public const string KeyRing = "keys";

    /// <summary>The client certificate map's name in a data folder.</summary>
    public const string ClientCertificates = "client-certificates.json";

    private static readonly string[] DemoFiles = ["dev-credentials.json", "demo-passwords.json"];

    /// <summary>A file to copy: where it is now, and its path relative to a data folder ('/' separated).</summary>
    public sealed record Entry(string Source, string RelativePath);

    /// <summary>The files of <paramref name="dataDirectory"/> to back up (only those that exist).</summary>
    public static IReadOnlyList<Entry> Collect(string dataDirectory, string? signingKeyPath, string? clientCertificatesPath)
    {
        var entries = new List<Entry>();
        void Add(string source, string relative)
        {
            if (File.Exists(source))
            {
                entries.Add(new Entry(Path.GetFullPath(source), relative));
            }
        }
        Add(signingKeyPath is { Length: > 0 } ? signingKeyPath : Path.Combine(dataDirectory, SigningKey), SigningKey);
        var ring = Path.Combine(dataDirectory, KeyRing);
        if (Directory.Exists(ring))
        {
            foreach (var file in Directory.EnumerateFiles(ring, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Add(file, KeyRing + "/" + Path.GetRelativePath(ring, file).Replace('\\', '/'));
            }
        }
        Add(clientCertificatesPath is { Length: > 0 } ? clientCertificatesPath : Path.Combine(dataDirectory, ClientCertificates), ClientCertificates);
        foreach (var demo in DemoFiles)
        {
            Add(Path.Combine(dataDirectory, demo), demo);
        }
        return entries;
    }

    /// <summary>Creates a folder readable by its owner only.</summary>
    public static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Copies a file and leaves the copy readable by its owner only (keys, children's records).</summary>
    public static void CopyOwnerOnly(string source, string destination)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        if (!Directory.Exists(folder))
        {
            CreateOwnerOnlyDirectory(folder);
        }
        // Written under a temporary name with owner-only rights first, so the key is never readable by others, even briefly.
        var temp = destination + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var output = OperatingSystem.IsWindows()
            ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write)
            : new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var input = File.OpenRead(source))
        {
            input.CopyTo(output);
        }
        File.Move(temp, destination, overwrite: true);
    }
}
