using System.ComponentModel;
using System.Data;
using System.Reflection;
using Coordination.Cli.Backup;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Coordination.Cli.Commands;

/// <summary>Options shared by backup and restore: which data folder and which database.</summary>
public class DatabaseSettings : CommandSettings
{
    /// <summary>The data folder.</summary>
    [CommandOption("--data <DIR>")]
    [Description("The platform's data folder (keys, credentials, the private PostgreSQL of ./run.sh). Default: $COORD_DATA_DIR, else .data.")]
    public string? Data { get; init; }

    /// <summary>The database.</summary>
    [CommandOption("--db <CONNECTION>")]
    [Description("An Npgsql connection string. Default: $COORD_DB, else the private PostgreSQL of the data folder (as ./run.sh runs it; started for the command and stopped after, if it was not running).")]
    public string? Db { get; init; }

    /// <summary>The data folder to use.</summary>
    public string DataDirectory => Path.GetFullPath(Data is { Length: > 0 } d ? d : PlatformSettings.DataDirectory);
}

/// <summary>
/// A database to work on for the length of a command: the one given, or the data folder's private
/// cluster, started here when it was not running and stopped again at the end.
/// </summary>
internal sealed class TargetDatabase : IAsyncDisposable
{
    private readonly string? _startedFor;

    private TargetDatabase(string connectionString, string? startedFor, bool privateCluster)
    {
        ConnectionString = connectionString;
        _startedFor = startedFor;
        PrivateCluster = privateCluster;
    }

    public string ConnectionString { get; }

    public bool PrivateCluster { get; }

    public static async Task<TargetDatabase> OpenAsync(DatabaseSettings settings, bool createPrivateCluster, CancellationToken cancellationToken)
    {
        if (PostgresTools.GivenConnectionString(settings.Db) is { } given)
        {
            return new TargetDatabase(given, null, privateCluster: false);
        }
        var data = settings.DataDirectory;
        if (!createPrivateCluster && !PostgresTools.HasPrivateCluster(data))
        {
            throw new CliException(ExitCodes.Unreachable,
                $"Không có cơ sở dữ liệu / no database: {data} has no PostgreSQL cluster (pg/). Start the platform once with ./run.sh, pass --data, or set COORD_DB (or --db).");
        }
        Directory.CreateDirectory(data);
        var startedIn = await PostgresTools.StartPrivateClusterAsync(data, cancellationToken);
        return new TargetDatabase(PostgresTools.RunShConnectionString(), startedIn, privateCluster: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedFor is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresTools.StopPrivateClusterAsync(_startedFor, CancellationToken.None);
        }
    }
}

/// <summary><c>coord backup --out DIR</c>: a consistent dump of the database, the keys, a manifest and checksums.</summary>
public sealed class BackupCommand : AsyncCommand<BackupCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DatabaseSettings
    {
        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("A new (or empty) folder for the backup. Required.")]
        public string Out { get; init; } = "";

        /// <summary>Key.</summary>
        [CommandOption("--key <FILE>")]
        [Description("The signing key. Default: $COORD_SIGNING_KEY, else <data folder>/signing-key.pem.")]
        public string? Key { get; init; }

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            Out.Length == 0 ? ValidationResult.Error("--out is required.") : ValidationResult.Success();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        var output = Path.GetFullPath(settings.Out);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new CliException(ExitCodes.Usage, $"Thư mục đã có dữ liệu / {output} is not empty: give a new folder for each backup.");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var database = await TargetDatabase.OpenAsync(settings, createPrivateCluster: false, cancellationToken);
        DataFolderFiles.CreateOwnerOnlyDirectory(output);

        var manifest = await DumpAsync(database.ConnectionString, output, cancellationToken);
        var keys = DataFolderFiles.Collect(settings.DataDirectory,
            settings.Key ?? Environment.GetEnvironmentVariable("COORD_SIGNING_KEY"), Environment.GetEnvironmentVariable("COORD_CLIENT_CERTS"),
            Environment.GetEnvironmentVariable("COORD_SIGNING_KEYS"));
        foreach (var key in keys)
        {
            DataFolderFiles.CopyOwnerOnly(key.Source, Path.Combine(output, BackupManifest.DataFolder, key.RelativePath));
        }
        manifest = manifest.WriteTo(output,
            [BackupManifest.DumpFileName, .. keys.Select(k => BackupManifest.DataFolder + "/" + k.RelativePath)]);

        // A backup that cannot be read back is not a backup: check it before saying it is done.
        var (_, problems) = BackupManifest.Verify(output);
        var entries = problems.Count == 0 ? await BackupChecks.ListDumpAsync(output, cancellationToken) : 0;
        if (problems.Count > 0)
        {
            throw new CliException(ExitCodes.FileError, "Bản sao lưu vừa ghi không kiểm tra được / the backup just written does not verify: " + string.Join("; ", problems));
        }
        if (keys.All(k => k.RelativePath != DataFolderFiles.SigningKey))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Chú ý / note:[/] no signing key in {settings.DataDirectory} (or COORD_SIGNING_KEY): tokens issued before the backup will not verify after a restore.");
        }
        BackupChecks.Print(manifest, output);
        AnsiConsole.MarkupLineInterpolated($"[green]Đã sao lưu / Backed up[/] {manifest.Database.Name} ({entries} dump entries) and {keys.Count} key/credential file(s) to {output} in {clock.Elapsed.TotalSeconds:0.0} s");
        AnsiConsole.MarkupLine("[grey]Chứa hồ sơ trẻ em và khóa ký: mã hóa và lưu ngoài máy / holds children's records and the signing keys: encrypt it and keep copies off this machine (docs/operations.md).[/]");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// Dumps the database from one snapshot: a repeatable-read transaction exports its snapshot,
    /// counts the rows in it, and pg_dump reads the same snapshot (<c>--snapshot</c>), so the counts
    /// in the manifest are exactly the rows in the dump while hosts keep writing.
    /// </summary>
    private static async Task<BackupManifest> DumpAsync(string connectionString, string output, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new CliException(ExitCodes.Unreachable, $"Không kết nối được cơ sở dữ liệu / cannot reach the database {PostgresTools.Describe(connectionString)}: {e.Message}");
        }
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("set transaction read only", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }
        string snapshot, serverVersion, name;
        DateTimeOffset at;
        await using (var facts = new NpgsqlCommand("select pg_export_snapshot(), current_setting('server_version'), current_database(), now()", connection, transaction))
        await using (var reader = await facts.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (snapshot, serverVersion, name, at) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        }
        var counts = await DatabaseFacts.RowCountsAsync(connection, transaction, cancellationToken);
        var schema = await DatabaseFacts.SchemaVersionAsync(connection, transaction, cancellationToken);
        var dump = Path.Combine(output, BackupManifest.DumpFileName);
        // Created owner-only before pg_dump writes into it: the dump holds children's records.
        await File.WriteAllBytesAsync(dump, [], cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dump, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await PostgresTools.RunAsync("pg_dump", connectionString,
        [
            "--format=custom", "--snapshot=" + snapshot, "--file=" + dump, "--dbname=" + name,
            .. DatabaseFacts.RuntimeTables.Select(t => "--exclude-table-data=public." + t),
        ], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BackupManifest
        {
            CreatedAt = at.ToUniversalTime(),
            PlatformVersion = typeof(BackupCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Database = new BackupManifest.DatabaseInfo { Name = name, ServerVersion = serverVersion, SchemaVersion = schema },
            RowCounts = counts,
        };
    }
}

/// <summary>Checks shared by verify and restore.</summary>
internal static class BackupChecks
{
    /// <summary>The main figures printed after a backup, a verify and a restore.</summary>
    private static readonly string[] Headline =
        ["rm_cases", "rm_tasks", "case_events", "feed_events", "feed_heads:acked_sequence_sum", "reminders:pending", "audit_events", "accounts"];

    /// <summary>Checksums and manifest first; then whether pg_restore can read the dump. Throws with every problem.</summary>
    public static async Task<(BackupManifest Manifest, int DumpEntries)> VerifyAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            throw new CliException(ExitCodes.BadInput, $"Không có thư mục / no folder {folder}.");
        }
        var (manifest, problems) = BackupManifest.Verify(folder);
        if (manifest is null || problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]✗[/] {problem}");
            }
            throw new CliException(ExitCodes.BadInput, $"Bản sao lưu không hợp lệ / the backup in {folder} does not verify ({problems.Count} problem(s)); nothing was changed.");
        }
        return (manifest, await ListDumpAsync(folder, cancellationToken));
    }

    /// <summary>pg_restore --list of the dump: its table-of-contents entries (0 means unreadable).</summary>
    public static async Task<int> ListDumpAsync(string folder, CancellationToken cancellationToken)
    {
        string list;
        try
        {
            list = await PostgresTools.RunAsync("pg_restore", null, ["--list", Path.Combine(folder, BackupManifest.DumpFileName)], cancellationToken);
        }
        catch (CliException e)
        {
            throw new CliException(ExitCodes.BadInput, $"Không đọc được bản kết xuất / pg_restore cannot read the dump: {e.Message}");
        }
        var entries = list.Split('\n').Count(l => l.Length > 0 && !l.StartsWith(';'));
        return entries > 0 ? entries : throw new CliException(ExitCodes.BadInput, "Bản kết xuất rỗng / the dump lists no entries.");
    }

    /// <summary>Prints what a backup holds.</summary>
    public static void Print(BackupManifest manifest, string folder)
    {
        var table = new Table().AddColumn("Tệp / File").AddColumn(new TableColumn("Byte").RightAligned()).AddColumn("SHA-256");
        foreach (var f in manifest.Files)
        {
            table.AddRow(Markup.Escape(f.Path), f.Size.ToString("N0"), f.Sha256[..16] + "…");
        }
        AnsiConsole.Write(table);
        var counts = new Table().AddColumn("Bảng / Table").AddColumn(new TableColumn("Số dòng / Rows").RightAligned());
        foreach (var key in Headline.Where(manifest.RowCounts.ContainsKey))
        {
            counts.AddRow(key, manifest.RowCounts[key].ToString("N0"));
        }
        AnsiConsole.Write(counts);
        AnsiConsole.MarkupLineInterpolated($"[grey]{folder}: database {manifest.Database.Name}, PostgreSQL {manifest.Database.ServerVersion}, schema {manifest.Database.SchemaVersion}, taken {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC by coord {manifest.PlatformVersion}; {manifest.RowCounts.Count} row counts in {BackupManifest.FileName}[/]");
    }
}

/// <summary><c>coord backup verify DIR</c>: checksums, manifest and a readable dump.</summary>
public sealed class BackupVerifyCommand : AsyncCommand<BackupVerifyCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Folder.</summary>
        [CommandArgument(0, "<DIR>")]
        [Description("The backup folder.")]
        public string Folder { get; init; } = "";
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        var folder = Path.GetFullPath(settings.Folder);
        var (manifest, entries) = await BackupChecks.VerifyAsync(folder, cancellationToken);
        BackupChecks.Print(manifest, folder);
        AnsiConsole.MarkupLineInterpolated($"[green]Hợp lệ / Sound:[/] {manifest.Files.Count} file(s) match their SHA-256, the dump reads ({entries} entries).");
        AnsiConsole.MarkupLine("[grey]Một bản chỉ chắc chắn khi đã khôi phục thử / a backup is proven only by a test restore: coord restore DIR --db <scratch database> (docs/operations.md).[/]");
        return ExitCodes.Ok;
    });
}

/// <summary><c>coord restore DIR</c>: the database into an empty (or new) database, the keys into a data folder.</summary>
public sealed class RestoreCommand : AsyncCommand<RestoreCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DatabaseSettings
    {
        /// <summary>Folder.</summary>
        [CommandArgument(0, "<DIR>")]
        [Description("The backup folder (written by coord backup).")]
        public string Folder { get; init; } = "";

        /// <summary>Force.</summary>
        [CommandOption("--force")]
        [Description("Replace a target database that already holds tables (dropped and created again; refused while anything is connected to it), and key files in the data folder that differ from the backup's.")]
        public bool Force { get; init; }
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var folder = Path.GetFullPath(settings.Folder);
        var (manifest, _) = await BackupChecks.VerifyAsync(folder, cancellationToken);
        var data = settings.DataDirectory;
        var keyFiles = manifest.Files.Where(f => f.Path.StartsWith(BackupManifest.DataFolder + "/", StringComparison.Ordinal)).ToList();
        // Checked before the database is touched, so a refusal changes nothing. The demo's credential
        // files are rewritten at every demo start, so only keys and the certificate map count.
        var clashes = keyFiles
            .Where(f => !DataFolderFiles.IsDemoFile(f.Path[(BackupManifest.DataFolder.Length + 1)..]))
            .Select(f => (File: f, Target: Path.Combine(data, f.Path[(BackupManifest.DataFolder.Length + 1)..])))
            .Where(f => File.Exists(f.Target) && BackupManifest.Sha256Of(f.Target) != f.File.Sha256)
            .Select(f => f.Target)
            .ToList();
        if (clashes.Count > 0 && !settings.Force)
        {
            throw new CliException(ExitCodes.Refused,
                $"Thư mục dữ liệu đã có khóa khác / the data folder already has different key files ({string.Join(", ", clashes)}): restore into a new --data folder, or add --force to replace them.");
        }

        await using var database = await TargetDatabase.OpenAsync(settings, createPrivateCluster: true, cancellationToken);
        var target = database.ConnectionString;
        await PrepareDatabaseAsync(target, settings.Force, cancellationToken);
        await PostgresTools.RunAsync("pg_restore", target,
        [
            "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            "--dbname=" + new NpgsqlConnectionStringBuilder(target).Database, Path.Combine(folder, BackupManifest.DumpFileName),
        ], cancellationToken);

        // The restored rows must be exactly those counted in the dump's snapshot.
        SortedDictionary<string, long> counts;
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            counts = await DatabaseFacts.RowCountsAsync(connection, null, cancellationToken);
        }
        var differences = DatabaseFacts.Compare(manifest.RowCounts, counts);
        if (differences.Count > 0)
        {
            throw new CliException(ExitCodes.FileError,
                "Số dòng sau khôi phục khác bản kê / the restored rows differ from the manifest: " + string.Join("; ", differences));
        }

        // The data folder itself keeps its rights (run.sh creates it with mkdir): made owner-only, a
        // root-run ./run.sh could no longer reach the PostgreSQL cluster inside it as 'postgres'.
        // The key files are owner-only; so are the folders created for them (keys/).
        Directory.CreateDirectory(data);
        foreach (var file in keyFiles)
        {
            DataFolderFiles.CopyOwnerOnly(Path.Combine(folder, file.Path), Path.Combine(data, file.Path[(BackupManifest.DataFolder.Length + 1)..]));
        }

        BackupChecks.Print(manifest, folder);
        AnsiConsole.MarkupLineInterpolated($"[green]Đã khôi phục / Restored[/] {manifest.Database.Name} of {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC into {PostgresTools.Describe(target)} ({counts.Count} row counts match the manifest) and {keyFiles.Count} key/credential file(s) into {data} in {clock.Elapsed.TotalSeconds:0.0} s.");
        AnsiConsole.MarkupLine("Khởi động / To start the platform on it:");
        var dataVariable = data == Path.GetFullPath(".data") ? "" : $"COORD_DATA_DIR={data} ";
        if (database.PrivateCluster)
        {
            AnsiConsole.MarkupLineInterpolated($"    {dataVariable}./run.sh");
            AnsiConsole.MarkupLine("[grey]    (run.sh seeds the demo directory into a database that never had it; for a production database start the host directly, as below, without COORD_SEED_DEMO)[/]");
            AnsiConsole.MarkupLineInterpolated($"    COORD_DB=\"{target}\" COORD_DATA_DIR={data} dotnet api/bin/Release/net10.0/Coordination.Api.dll");
        }
        else
        {
            var shown = new NpgsqlConnectionStringBuilder(target);
            if (shown.Password is { Length: > 0 })
            {
                shown.Password = "…";
            }
            AnsiConsole.MarkupLineInterpolated($"    COORD_DB=\"{shown.ConnectionString}\" COORD_DATA_DIR={data} dotnet api/bin/Release/net10.0/Coordination.Api.dll");
        }
        AnsiConsole.MarkupLine("[grey]    Give every host of the restored cluster the same key files; tokens revoked or keys rotated after the backup are as they were then.[/]");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// Makes the target database exist and be empty: created when missing; an empty one is used as
    /// is; one with tables is refused, or with --force dropped and created again — never while
    /// anything (a host) is connected to it.
    /// </summary>
    private static async Task PrepareDatabaseAsync(string target, bool force, CancellationToken cancellationToken)
    {
        var name = new NpgsqlConnectionStringBuilder(target).Database
            ?? throw new CliException(ExitCodes.Usage, "The target connection string names no Database.");
        await using var admin = new NpgsqlConnection(PostgresTools.Maintenance(target));
        try
        {
            await admin.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new CliException(ExitCodes.Unreachable, $"Không kết nối được máy chủ / cannot reach the target server {PostgresTools.Describe(target)}: {e.Message}");
        }
        bool exists;
        await using (var check = new NpgsqlCommand("select exists (select 1 from pg_database where datname = @n)", admin))
        {
            check.Parameters.AddWithValue("n", name);
            exists = (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
        }
        if (exists)
        {
            long tables;
            await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target) { Pooling = false }.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                tables = await DatabaseFacts.UserTableCountAsync(connection, cancellationToken);
            }
            if (tables == 0)
            {
                return;
            }
            if (!force)
            {
                throw new CliException(ExitCodes.Refused,
                    $"Cơ sở dữ liệu đích không trống / the target database {name} already holds {tables} table(s): restore into a new or empty database (--db, COORD_DB), or add --force to replace it. Nothing was changed.");
            }
            await using (var others = new NpgsqlCommand("select count(*) from pg_stat_activity where datname = @n and pid <> pg_backend_pid()", admin))
            {
                others.Parameters.AddWithValue("n", name);
                var connected = (long)(await others.ExecuteScalarAsync(cancellationToken))!;
                if (connected > 0)
                {
                    throw new CliException(ExitCodes.Refused,
                        $"Còn {connected} kết nối tới {name} / {connected} session(s) are connected to {name}: stop every host (and ./run.sh) using it first. Nothing was changed.");
                }
            }
            await using var drop = new NpgsqlCommand($"drop database {PostgresTools.QuoteIdentifier(name)}", admin);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"[yellow]Đã xóa / Dropped[/] the database {name} (--force).");
        }
        await using var create = new NpgsqlCommand($"create database {PostgresTools.QuoteIdentifier(name)}", admin);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }
}
