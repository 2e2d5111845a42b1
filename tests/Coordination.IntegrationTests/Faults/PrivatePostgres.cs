using System.Diagnostics;
using Npgsql;

namespace Coordination.IntegrationTests.Faults;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port), so a test can
/// stop and start the database without touching the shared cluster other test classes use in
/// parallel. Runs as the <c>postgres</c> OS user when the tests run as root (postgres refuses root).
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private PrivatePostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Connection string to database <c>coord</c>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=coord;Database=coord;Timeout=5";

    /// <summary>Creates and starts a new cluster with a database <c>coord</c>.</summary>
    public static async Task<PrivatePostgres> StartNewAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql (./test.sh installs them).");
        var root = Directory.CreateTempSubdirectory("coord-pg-").FullName;
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        if (Environment.UserName == "root")
        {
            await Run("chown", ["-R", "postgres", root]);
            await Run("chmod", ["755", root]);
        }
        var pg = new PrivatePostgres(bin, data, Infrastructure.PlatformHost.FreePort());
        await pg.AsOwner("initdb", ["-D", data, "-U", "coord", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"),
            "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\nfsync = off\ntimezone = 'UTC'\n");
        await pg.StartAsync();
        await using (var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={pg.Port};Username=coord;Database=postgres;Pooling=false"))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("create database coord", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return pg;
    }

    /// <summary>Starts the server (retrying while a previous instance's pid file lingers).</summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AsOwner("pg_ctl", ["-D", _data, "-l", Path.Combine(_data, "server.log"), "-w", "-t", "60", "-o", $"-p {Port}", "start"]);
                return;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                await Task.Delay(1000);
            }
        }
    }

    /// <summary>Stops the server the hard way (<c>-m immediate</c>: no checkpoint, clients cut off, as in a crash).</summary>
    public Task StopAsync() => AsOwner("pg_ctl", ["-D", _data, "-m", "immediate", "-w", "stop"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsOwner("pg_ctl", ["-D", _data, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);
    }

    private Task AsOwner(string tool, IEnumerable<string> args) =>
        Environment.UserName == "root"
            ? Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : Run(Path.Combine(_bin, tool), args);

    private static async Task Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {p.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
