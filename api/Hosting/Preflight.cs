using System.Net;
using System.Net.Sockets;
using Coordination.Api.Database;
using Npgsql;

namespace Coordination.Api.Hosting;

/// <summary>A start-up problem the operator can fix, reported as one plain line (no stack trace).</summary>
public sealed class StartupException(string message, int exitCode = 2) : Exception(message)
{
    /// <summary>Process exit code to use.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>Checks that run before anything is started, each ending in a clear message.</summary>
public static class Preflight
{
    /// <summary>Fails when the gRPC, silo or REST port of this host is taken.</summary>
    public static void EnsurePortsFree(HostingOptions hosting)
    {
        EnsurePortFree(hosting.ListenAddress, hosting.GrpcPort, "gRPC", "COORD_GRPC_PORT");
        EnsurePortFree(hosting.SiloAddress, hosting.SiloPort, "Orleans silo", "COORD_SILO_PORT");
        if (hosting.HttpPort > 0)
        {
            EnsurePortFree(hosting.ListenAddress, hosting.HttpPort, "REST", "COORD_HTTP_PORT");
        }
    }

    /// <summary>Fails when a port this host needs is taken, naming the port and the variable that moves it.</summary>
    public static void EnsurePortFree(string address, int port, string what, string variable)
    {
        var ip = IPAddress.TryParse(address, out var parsed) ? parsed : IPAddress.Loopback;
        try
        {
            using var listener = new TcpListener(ip, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException($"Port {port} ({what}) on {ip} is already in use: set {variable} to a free port, or stop the other process.");
        }
        catch (SocketException e)
        {
            throw new StartupException($"Cannot listen on {ip}:{port} ({what}): {e.Message}. Check {variable}.");
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for PostgreSQL to accept a connection.</summary>
    public static async Task WaitForDatabaseAsync(NpgsqlDataSource db, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                if (e is PostgresException pg && pg.SqlState is "28P01" or "28000" or "3D000")
                {
                    throw new StartupException($"PostgreSQL refused the connection: {pg.MessageText}. Check COORD_DB.");
                }
                if (DateTime.UtcNow > deadline)
                {
                    var b = new NpgsqlConnectionStringBuilder(db.ConnectionString);
                    throw new StartupException(
                        $"Cannot reach PostgreSQL at {b.Host}:{b.Port} ({e.Message}). Start it with ./run.sh, or set COORD_DB to a reachable database.");
                }
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Applies pending migrations; a failure stops the host and names the migration.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource db)
    {
        try
        {
            return await new MigrationRunner(db).ApplyAsync();
        }
        catch (MigrationException e)
        {
            throw new StartupException("The host refuses to start: " + e.Message, 3);
        }
    }
}
