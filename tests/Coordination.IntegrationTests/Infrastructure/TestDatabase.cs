using Npgsql;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh database on the throwaway PostgreSQL cluster that ./test.sh starts (COORD_TEST_DB),
/// dropped when the test is done. Each test class gets its own, so classes run in parallel.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private TestDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Database name.</summary>
    public string Name { get; }

    /// <summary>Connection string to the new database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a new empty database.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("COORD_TEST_DB")
            ?? throw new InvalidOperationException(
                "COORD_TEST_DB is not set: run the tests through ./test.sh, which starts a throwaway PostgreSQL and sets it.");
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        // Pooled, as in production: without a pool every query of a host (Orleans storage, Quartz's
        // polling, each reminder sweep) forked a new PostgreSQL backend, and with a dozen hosts the
        // 2-core test machine spent half its time in the kernel. The drop below forces connections off.
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(admin, name, cs);
    }

    /// <summary>Runs a scalar query against the database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement against the database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"drop database if exists {Name} with (force)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
