using System.Diagnostics;
using Npgsql;

namespace Coordination.Cli.Backup;

/// <summary>
/// The PostgreSQL client programs (pg_dump, pg_restore) and the database a command works on:
/// <c>--db</c>, else <c>COORD_DB</c> (as the host reads it), else the private cluster that
/// <c>./run.sh</c> runs under the data folder (<c>$COORD_DATA_DIR/pg</c> on <c>COORD_PG_PORT</c>).
/// </summary>
public static class PostgresTools
{
    /// <summary>The connection string run.sh gives the host for its private cluster.</summary>
    public static string RunShConnectionString() =>
        $"Host=127.0.0.1;Port={PrivateClusterPort()};Username=coord;Database=coord";

    /// <summary>The private cluster's port (<c>COORD_PG_PORT</c>, default 55432 as in run.sh).</summary>
    public static int PrivateClusterPort() =>
        int.TryParse(Environment.GetEnvironmentVariable("COORD_PG_PORT"), out var p) ? p : 55432;

    /// <summary>The connection string given (<c>--db</c>, then <c>COORD_DB</c>), or null for the private cluster.</summary>
    public static string? GivenConnectionString(string? option) =>
        option is { Length: > 0 } ? option
        : Environment.GetEnvironmentVariable("COORD_DB") is { Length: > 0 } env ? env
        : null;

    /// <summary>
    /// The folder holding <paramref name="tool"/>: <c>COORD_PG_BIN</c>, else the newest
    /// <c>/usr/lib/postgresql/*/bin</c> that has it (a newer pg_dump reads older servers, never the
    /// reverse), else the PATH.
    /// </summary>
    public static string Find(string tool)
    {
        if (Environment.GetEnvironmentVariable("COORD_PG_BIN") is { Length: > 0 } bin)
        {
            var given = Path.Combine(bin, tool);
            return File.Exists(given) ? given : throw new CliException(ExitCodes.FileError, $"COORD_PG_BIN={bin} has no {tool}.");
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: decimal.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", tool))
                .FirstOrDefault(File.Exists);
            if (newest is not null)
            {
                return newest;
            }
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new CliException(ExitCodes.FileError,
            $"Không tìm thấy {tool} / {tool} not found: install PostgreSQL's client programs (./run.sh installs them), or set COORD_PG_BIN to their folder.");
    }

    /// <summary>
    /// Runs a PostgreSQL client program against <paramref name="connectionString"/>. The connection
    /// goes through PG* environment variables, so a password never shows in the process list.
    /// Returns its standard output; throws with its standard error when it fails.
    /// </summary>
    public static async Task<string> RunAsync(string tool, string? connectionString, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(Find(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        if (connectionString is not null)
        {
            var cs = new NpgsqlConnectionStringBuilder(connectionString);
            psi.Environment["PGHOST"] = cs.Host ?? "127.0.0.1";
            psi.Environment["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            psi.Environment["PGUSER"] = cs.Username ?? Environment.UserName;
            psi.Environment["PGDATABASE"] = cs.Database ?? cs.Username ?? "postgres";
            psi.Environment["PGCONNECT_TIMEOUT"] = "15";
            if (cs.Password is { Length: > 0 } password)
            {
                psi.Environment["PGPASSWORD"] = password;
            }
            psi.Environment["PGSSLMODE"] = cs.SslMode switch
            {
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                SslMode.Disable => "disable",
                _ => "prefer",
            };
        }
        using var process = Process.Start(psi) ?? throw new CliException(ExitCodes.FileError, $"{tool} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new CliException(ExitCodes.FileError, $"{tool} thất bại / failed (exit {process.ExitCode}): {(await error).Trim()}");
        }
        return await output;
    }

    /// <summary>
    /// Starts the data folder's private cluster as run.sh does (<c>scripts/pg.sh</c>: installs
    /// PostgreSQL when missing, creates the cluster on first use with an empty 'coord' database).
    /// Returns the cluster's folder when this call started it (to stop it again after), else null.
    /// </summary>
    public static async Task<string?> StartPrivateClusterAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var output = await PgShAsync(
            """pg_ensure_installed; pg_start "$2/pg" "$3"; echo "PG_STARTED_HERE=$PG_STARTED_HERE"; echo "PG_DATA=$PG_DATA" """,
            [Path.GetFullPath(dataDirectory), PrivateClusterPort().ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
        var lines = output.Split('\n');
        return lines.Contains("PG_STARTED_HERE=1")
            ? lines.Single(l => l.StartsWith("PG_DATA=", StringComparison.Ordinal))["PG_DATA=".Length..]
            : null;
    }

    /// <summary>Stops the private cluster whose files are in <paramref name="clusterDirectory"/> (as <see cref="StartPrivateClusterAsync"/> returned it).</summary>
    public static Task StopPrivateClusterAsync(string clusterDirectory, CancellationToken cancellationToken) =>
        PgShAsync("""PG_DATA="$2"; pg_stop""", [clusterDirectory], cancellationToken);

    /// <summary>Whether the data folder has a private cluster (run.sh has run on it once).</summary>
    public static bool HasPrivateCluster(string dataDirectory) =>
        File.Exists(Path.Combine(dataDirectory, "pg", "PG_VERSION")) || File.Exists(Path.Combine(dataDirectory, "pg.location"));

    private static async Task<string> PgShAsync(string script, string[] arguments, CancellationToken cancellationToken)
    {
        var pgSh = FindPgSh();
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // bash -c SCRIPT $0 $1 $2 $3: the helper file, then our arguments, never spliced into the script text.
        foreach (var a in (string[])["-c", "set -euo pipefail; source \"$1\"; " + script, "pg.sh", pgSh, .. arguments])
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new CliException(ExitCodes.FileError, "bash could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await output;
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("PG_STARTED_HERE=", StringComparison.Ordinal) && !l.StartsWith("PG_DATA=", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(line);
        }
        if (process.ExitCode != 0)
        {
            throw new CliException(ExitCodes.Unreachable, $"PostgreSQL riêng không khởi động được / the private PostgreSQL did not start: {(await error).Trim()}");
        }
        return text;
    }

    /// <summary>scripts/pg.sh of this checkout: above the working folder or above coord's own build output.</summary>
    private static string FindPgSh()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "pg.sh");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new CliException(ExitCodes.Unreachable,
            "Không tìm thấy scripts/pg.sh / scripts/pg.sh not found: run coord from the platform's checkout, or set COORD_DB (or --db) to the database.");
    }

    /// <summary>A short description of a connection string without its password, for messages.</summary>
    public static string Describe(string connectionString)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{cs.Host}:{cs.Port}/{cs.Database}";
    }

    /// <summary>The same server's maintenance database (to create or drop <paramref name="connectionString"/>'s database).</summary>
    public static string Maintenance(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>Quotes an identifier for SQL.</summary>
    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
