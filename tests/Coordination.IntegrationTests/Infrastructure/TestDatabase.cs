using System.Security.Cryptography;
using System.Text;
using Coordination.Api.Database;
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

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _template;

    /// <summary>
    /// Creates a new database with every migration applied (copied from a template migrated once per
    /// run: each host's first start then finds nothing to migrate, which saved seconds of a 2-core
    /// machine per test class), or an empty one (<paramref name="empty"/>: migration and restore tests).
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(bool empty = false)
    {
        var admin = Environment.GetEnvironmentVariable("COORD_TEST_DB")
            ?? throw new InvalidOperationException(
                "COORD_TEST_DB is not set: run the tests through ./test.sh, which starts a throwaway PostgreSQL and sets it.");
        var template = empty ? null : await TemplateAsync(admin);
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(template is null ? $"create database {name}" : $"create database {name} template {template}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        // Pooled, as in production: without a pool every query of a host (Orleans storage, Quartz's
        // polling, each reminder sweep) forked a new PostgreSQL backend, and with a dozen hosts the
        // 2-core test machine spent half its time in the kernel. The drop below forces connections off.
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(admin, name, cs);
    }

    /// <summary>
    /// The migrated template, made once per cluster and set of migrations (its name carries their
    /// checksums, so an edited or added migration gets a new one). Migrated by the platform's own
    /// runner, then renamed into place, so a half-made template is never copied.
    /// </summary>
    private static async Task<string> TemplateAsync(string admin)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }
            var checksums = string.Join(",", MigrationRunner.Embedded.Select(m => m.Name + ":" + m.Checksum));
            var name = "tmpl_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(checksums)))[..16];
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            await using (var exists = new NpgsqlCommand($"select exists (select 1 from pg_database where datname = '{name}')", conn))
            {
                if ((bool)(await exists.ExecuteScalarAsync())!)
                {
                    return _template = name;
                }
            }
            var building = name + "_building";
            await using (var create = new NpgsqlCommand($"drop database if exists {building} with (force); create database {building}", conn))
            {
                await create.ExecuteNonQueryAsync();
            }
            var cs = new NpgsqlConnectionStringBuilder(admin) { Database = building, Pooling = false }.ConnectionString;
            await using (var source = NpgsqlDataSource.Create(cs))
            {
                await new MigrationRunner(source).ApplyAsync();
            }
            await using (var rename = new NpgsqlCommand($"alter database {building} rename to {name}", conn))
            {
                await rename.ExecuteNonQueryAsync();
            }
            return _template = name;
        }
        finally
        {
            TemplateLock.Release();
        }
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
