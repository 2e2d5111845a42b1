using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Cli.Backup;

/// <summary>
/// What a backup folder holds: <c>manifest.json</c> (this record) and <c>SHA256SUMS</c> (the same
/// hashes in coreutils' format, so <c>sha256sum -c SHA256SUMS</c> checks a copy on a machine without
/// coord). The manifest lists every file with its size and SHA-256, and the row counts taken in the
/// dump's own snapshot, so a restore can prove it holds exactly what was dumped.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The format of this folder; a restore refuses formats it does not know.</summary>
    public const string CurrentFormat = "coord-backup/1";

    /// <summary>The manifest's file name.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The checksum file's name.</summary>
    public const string ChecksumsFileName = "SHA256SUMS";

    /// <summary>The database dump's file name (pg_dump custom format).</summary>
    public const string DumpFileName = "database.dump";

    /// <summary>Where the data folder's files (keys, credentials) go inside the backup.</summary>
    public const string DataFolder = "data";

    /// <summary>Always <see cref="CurrentFormat"/> for backups written by this version.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>When the database snapshot was taken (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The coord build that wrote it (version+commit when the build knew it).</summary>
    public string PlatformVersion { get; init; } = "";

    /// <summary>The dumped database.</summary>
    public DatabaseInfo Database { get; init; } = new();

    /// <summary>Row counts per table (and a few derived figures such as pending reminders), in the dump's snapshot.</summary>
    public SortedDictionary<string, long> RowCounts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Every file of the backup except the manifest and the checksum file.</summary>
    public List<BackupFile> Files { get; init; } = [];

    /// <summary>The dumped database.</summary>
    public sealed record DatabaseInfo
    {
        /// <summary>Its name on the server it came from.</summary>
        public string Name { get; init; } = "";

        /// <summary>The PostgreSQL server version (<c>server_version</c>).</summary>
        public string ServerVersion { get; init; } = "";

        /// <summary>The last migration applied (from <c>schema_migrations</c>).</summary>
        public string SchemaVersion { get; init; } = "";
    }

    /// <summary>A file of the backup, by its path relative to the backup folder ('/' separated).</summary>
    public sealed record BackupFile(string Path, long Size, string Sha256);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The manifest as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a manifest; null when the text is not one.</summary>
    public static BackupManifest? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<BackupManifest>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Describes the file at <paramref name="relativePath"/> inside <paramref name="folder"/>.</summary>
    public static BackupFile Describe(string folder, string relativePath)
    {
        var full = System.IO.Path.Combine(folder, relativePath);
        return new BackupFile(relativePath.Replace('\\', '/'), new FileInfo(full).Length, Sha256Of(full));
    }

    /// <summary>
    /// Seals a backup folder: describes <paramref name="relativePaths"/> (size, SHA-256) into this
    /// manifest, writes <c>manifest.json</c>, then <c>SHA256SUMS</c> over those files and the
    /// manifest itself, both readable by the owner only. Returns the manifest as written.
    /// </summary>
    public BackupManifest WriteTo(string folder, IEnumerable<string> relativePaths)
    {
        var sealedManifest = this with { Files = [.. relativePaths.Select(p => Describe(folder, p))] };
        WriteOwnerOnly(System.IO.Path.Combine(folder, FileName), sealedManifest.ToJson());
        WriteOwnerOnly(System.IO.Path.Combine(folder, ChecksumsFileName),
            ChecksumsText([.. sealedManifest.Files, Describe(folder, FileName)]));
        return sealedManifest;
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        File.WriteAllText(path, text, new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>SHA256SUMS text: each file, then the manifest itself, in <c>sha256sum</c>'s format.</summary>
    public static string ChecksumsText(IEnumerable<BackupFile> files) =>
        string.Concat(files.Select(f => $"{f.Sha256}  {f.Path}\n"));

    /// <summary>Parses SHA256SUMS; lines that are not "hash  path" are reported as problems.</summary>
    public static Dictionary<string, string> ParseChecksums(string text, List<string> problems)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var line in text.Split('\n'))
        {
            n++;
            if (line.Length == 0)
            {
                continue;
            }
            // "<64 hex>  <path>" (two spaces: text mode) or "<64 hex> *<path>" (binary mode).
            if (line.Length < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')
                || !line[..64].All(Uri.IsHexDigit))
            {
                problems.Add($"{ChecksumsFileName} dòng {n} không đọc được / line {n} is not \"sha256  path\"");
                continue;
            }
            sums[line[66..]] = line[..64].ToLowerInvariant();
        }
        return sums;
    }

    /// <summary>
    /// Checks a backup folder: the manifest parses and has a known format; every file the manifest
    /// lists is present with its size and hash; SHA256SUMS agrees with the manifest and covers the
    /// manifest itself; no path escapes the folder. Returns the manifest (null when unreadable) and
    /// every problem found, not only the first.
    /// </summary>
    public static (BackupManifest? Manifest, IReadOnlyList<string> Problems) Verify(string folder)
    {
        var problems = new List<string>();
        var manifestPath = System.IO.Path.Combine(folder, FileName);
        var sumsPath = System.IO.Path.Combine(folder, ChecksumsFileName);
        if (!File.Exists(manifestPath))
        {
            problems.Add($"Không có {FileName} / no {FileName} in {folder}");
            return (null, problems);
        }
        var manifest = Parse(File.ReadAllText(manifestPath, Encoding.UTF8));
        if (manifest is null)
        {
            problems.Add($"{FileName} không đọc được / {FileName} is not a backup manifest");
            return (null, problems);
        }
        if (manifest.Format != CurrentFormat)
        {
            problems.Add($"Định dạng lạ / unknown format '{manifest.Format}' (this coord reads {CurrentFormat})");
            return (manifest, problems);
        }
        var sums = File.Exists(sumsPath)
            ? ParseChecksums(File.ReadAllText(sumsPath, Encoding.UTF8), problems)
            : null;
        if (sums is null)
        {
            problems.Add($"Không có {ChecksumsFileName} / no {ChecksumsFileName}");
        }
        else if (!sums.TryGetValue(FileName, out var manifestHash) || manifestHash != Sha256Of(manifestPath))
        {
            problems.Add($"{FileName}: tổng kiểm không khớp / checksum does not match {ChecksumsFileName} (the manifest was changed)");
        }
        if (!manifest.Files.Any(f => f.Path == DumpFileName))
        {
            problems.Add($"Bản kê thiếu / the manifest lists no {DumpFileName}");
        }
        var root = System.IO.Path.GetFullPath(folder);
        foreach (var file in manifest.Files)
        {
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, file.Path));
            if (!full.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || file.Path is FileName or ChecksumsFileName)
            {
                problems.Add($"{file.Path}: đường dẫn không hợp lệ / path not allowed in a backup");
                continue;
            }
            if (!File.Exists(full))
            {
                problems.Add($"{file.Path}: thiếu tệp / missing");
                continue;
            }
            var size = new FileInfo(full).Length;
            var hash = Sha256Of(full);
            if (size != file.Size || hash != file.Sha256)
            {
                problems.Add($"{file.Path}: đã bị thay đổi / changed since the backup (size {size:N0}, expected {file.Size:N0}; SHA-256 {(hash == file.Sha256 ? "matches" : "differs")})");
            }
            if (sums is not null && (!sums.TryGetValue(file.Path, out var listed) || listed != file.Sha256))
            {
                problems.Add($"{file.Path}: {ChecksumsFileName} và bản kê không khớp / {ChecksumsFileName} and the manifest disagree");
            }
        }
        if (sums is not null)
        {
            foreach (var extra in sums.Keys.Where(p => p != FileName && manifest.Files.All(f => f.Path != p)))
            {
                problems.Add($"{extra}: có trong {ChecksumsFileName} nhưng không có trong bản kê / in {ChecksumsFileName} but not in the manifest");
            }
        }
        return (manifest, problems);
    }
}
