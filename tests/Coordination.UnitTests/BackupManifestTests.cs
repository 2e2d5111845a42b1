using System.Security.Cryptography;
using Coordination.Cli.Backup;

namespace Coordination.UnitTests;

/// <summary>
/// coord backup's manifest and checksums (issue 13): a sealed folder verifies; a changed, missing or
/// added file, an edited manifest or a path out of the folder is each reported by name.
/// </summary>
public sealed class BackupManifestTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coord-backup-unit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Files = [BackupManifest.DumpFileName, "data/signing-key.pem", "data/keys/2026-12-01.pem"];

    private BackupManifest Seal()
    {
        foreach (var file in Files)
        {
            var path = Path.Combine(_folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(4096));
        }
        return new BackupManifest
        {
            CreatedAt = new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero),
            PlatformVersion = "1.0.0+abc123",
            Database = new BackupManifest.DatabaseInfo { Name = "coord", ServerVersion = "15.14", SchemaVersion = "0015_intake_duplicates_and_counselling" },
            RowCounts = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["rm_cases"] = 12, ["reminders:pending"] = 3 },
        }.WriteTo(_folder, Files);
    }

    private IReadOnlyList<string> Problems() => BackupManifest.Verify(_folder).Problems;

    [Fact]
    public void A_sealed_backup_verifies_and_its_manifest_reads_back_with_sizes_hashes_and_row_counts()
    {
        var written = Seal();

        var (manifest, problems) = BackupManifest.Verify(_folder);

        Assert.Empty(problems);
        Assert.NotNull(manifest);
        Assert.Equal(Files, manifest.Files.Select(f => f.Path));
        Assert.All(manifest.Files, f => Assert.Equal(4096, f.Size));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_folder, BackupManifest.DumpFileName)))),
            manifest.Files[0].Sha256);
        Assert.Equal(written.RowCounts, manifest.RowCounts);
        Assert.Equal(("coord", "15.14", "0015_intake_duplicates_and_counselling"), (manifest.Database.Name, manifest.Database.ServerVersion, manifest.Database.SchemaVersion));
        Assert.Equal(written.CreatedAt, manifest.CreatedAt);
    }

    [Fact]
    public void SHA256SUMS_is_in_sha256sum_s_format_and_covers_every_file_and_the_manifest()
    {
        Seal();
        var lines = File.ReadAllLines(Path.Combine(_folder, BackupManifest.ChecksumsFileName));

        Assert.Equal([.. Files, BackupManifest.FileName], lines.Select(l => l[66..]));
        Assert.All(lines, l => Assert.Matches("^[0-9a-f]{64}  ", l));
        Assert.Equal(BackupManifest.Sha256Of(Path.Combine(_folder, BackupManifest.FileName)), lines[^1][..64]);
    }

    [Fact]
    public void One_changed_byte_in_the_dump_is_reported_as_a_changed_dump()
    {
        Seal();
        var dump = Path.Combine(_folder, BackupManifest.DumpFileName);
        var bytes = File.ReadAllBytes(dump);
        bytes[100] ^= 0x01;
        File.WriteAllBytes(dump, bytes);

        var problem = Assert.Single(Problems());
        Assert.StartsWith("database.dump: ", problem);
        Assert.Contains("changed since the backup", problem);
        Assert.Contains("SHA-256 differs", problem);
    }

    [Fact]
    public void A_missing_key_file_is_reported_by_its_path()
    {
        Seal();
        File.Delete(Path.Combine(_folder, "data", "signing-key.pem"));

        Assert.Equal(["data/signing-key.pem: thiếu tệp / missing"], Problems());
    }

    [Fact]
    public void An_edited_manifest_no_longer_matches_its_checksum()
    {
        Seal();
        var path = Path.Combine(_folder, BackupManifest.FileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"rm_cases\": 12", "\"rm_cases\": 13", StringComparison.Ordinal));

        var problem = Assert.Single(Problems());
        Assert.Contains("manifest.json", problem);
        Assert.Contains("the manifest was changed", problem);
    }

    [Fact]
    public void A_file_swapped_together_with_its_manifest_entry_is_caught_by_SHA256SUMS()
    {
        var sealedManifest = Seal();
        // Someone replaces the dump and rewrites the manifest to match, but not SHA256SUMS.
        var dump = Path.Combine(_folder, BackupManifest.DumpFileName);
        File.WriteAllBytes(dump, RandomNumberGenerator.GetBytes(4096));
        var forged = sealedManifest with { Files = [BackupManifest.Describe(_folder, BackupManifest.DumpFileName), .. sealedManifest.Files.Skip(1)] };
        File.WriteAllText(Path.Combine(_folder, BackupManifest.FileName), forged.ToJson());

        var problems = Problems();
        Assert.Contains(problems, p => p.Contains("the manifest was changed"));
        Assert.Contains(problems, p => p.StartsWith("database.dump: ") && p.Contains("disagree"));
    }

    [Fact]
    public void A_path_out_of_the_backup_folder_is_refused()
    {
        var manifest = Seal();
        var outside = Path.Combine(Path.GetDirectoryName(_folder)!, "outside-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(outside, "x");
        try
        {
            var escaped = manifest with { Files = [.. manifest.Files, new BackupManifest.BackupFile("../" + Path.GetFileName(outside), 1, BackupManifest.Sha256Of(outside))] };
            File.WriteAllText(Path.Combine(_folder, BackupManifest.FileName), escaped.ToJson());

            Assert.Contains(Problems(), p => p.StartsWith("../") && p.Contains("path not allowed"));
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void A_folder_that_is_not_a_backup_says_so()
    {
        Assert.Equal([$"Không có manifest.json / no manifest.json in {_folder}"], Problems());
        File.WriteAllText(Path.Combine(_folder, BackupManifest.FileName), "{ not json");
        Assert.Equal(["manifest.json không đọc được / manifest.json is not a backup manifest"], Problems());
        File.WriteAllText(Path.Combine(_folder, BackupManifest.FileName), """{ "format": "coord-backup/9" }""");
        Assert.Contains("unknown format 'coord-backup/9'", Assert.Single(Problems()));
    }

    [Fact]
    public void A_garbled_checksum_line_and_a_file_listed_only_in_SHA256SUMS_are_reported()
    {
        Seal();
        var sums = Path.Combine(_folder, BackupManifest.ChecksumsFileName);
        File.AppendAllText(sums, "not a checksum line\n" + new string('a', 64) + "  data/extra.pem\n");

        var problems = Problems();
        Assert.Contains(problems, p => p.Contains("line 5 is not"));
        Assert.Contains(problems, p => p.StartsWith("data/extra.pem: ") && p.Contains("not in the manifest"));
    }

    [Fact]
    public void Row_count_comparison_lists_exactly_the_figures_that_differ()
    {
        var expected = new Dictionary<string, long> { ["rm_cases"] = 12, ["rm_tasks"] = 30, ["reminders:pending"] = 4 };
        var actual = new Dictionary<string, long> { ["rm_cases"] = 12, ["rm_tasks"] = 29, ["audit_events"] = 7 };

        Assert.Equal(["audit_events: — → 7", "reminders:pending: 4 → —", "rm_tasks: 30 → 29"], DatabaseFacts.Compare(expected, actual));
        Assert.Empty(DatabaseFacts.Compare(expected, new Dictionary<string, long>(expected)));
    }

    [Fact]
    public void The_data_folder_s_keys_ring_and_credentials_are_collected_but_not_the_PostgreSQL_cluster()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data-folder")).FullName;
        foreach (var file in (string[])["signing-key.pem", "keys/k1.pem", "keys/k2.pem", "client-certificates.json", "dev-credentials.json", "demo-passwords.json", "pg/PG_VERSION", "pg/base/1/123", "something-else.txt"])
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(data, file))!);
            File.WriteAllText(Path.Combine(data, file), file);
        }

        var collected = DataFolderFiles.Collect(data, signingKeyPath: null, clientCertificatesPath: null);

        Assert.Equal(["signing-key.pem", "keys/k1.pem", "keys/k2.pem", "client-certificates.json", "dev-credentials.json", "demo-passwords.json"],
            collected.Select(e => e.RelativePath));
        Assert.Equal([false, false, false, false, true, true], collected.Select(e => DataFolderFiles.IsDemoFile(e.RelativePath)));
        // A key configured elsewhere (COORD_SIGNING_KEY) is carried under the data folder's name.
        var elsewhere = Path.Combine(_folder, "platform.pem");
        File.WriteAllText(elsewhere, "k");
        Assert.Equal(elsewhere, DataFolderFiles.Collect(data, elsewhere, null).Single(e => e.RelativePath == "signing-key.pem").Source);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Restored_keys_are_readable_by_their_owner_only()
    {
        var source = Path.Combine(_folder, "key.pem");
        File.WriteAllText(source, "-----BEGIN PRIVATE KEY-----");
        var target = Path.Combine(_folder, "restored", "keys", "key.pem");

        DataFolderFiles.CopyOwnerOnly(source, target);

        Assert.Equal("-----BEGIN PRIVATE KEY-----", File.ReadAllText(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(target)!));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "*.tmp"));
    }
}
