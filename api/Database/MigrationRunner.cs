using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Coordination.Api.Database;

/// <summary>One numbered schema change, shipped as an embedded <c>NNNN_name.sql</c> file.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script, recorded so a script edited after it ran is noticed.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>A migration failed or the applied history does not match the shipped scripts.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Applies the project's own schema changes exactly once each, in order, each in its own
/// transaction, recording them in <c>schema_migrations</c>. A PostgreSQL advisory lock makes two
/// hosts that start at the same moment take turns: the second finds the work done.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource db)
{
    // Arbitrary constant shared by every host of this platform: "coord" in ASCII.
    private const long AdvisoryLockKey = 0x636f6f7264;

    /// <summary>The migrations embedded in this assembly, ordered by version.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <summary>Applies every pending migration; returns the names of those it applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct = default) => await ApplyAsync(Embedded, ct);

    /// <summary>Applies every pending migration of <paramref name="migrations"/>.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await ExecAsync(conn, $"select pg_advisory_lock({AdvisoryLockKey})", ct);
        try
        {
            await ExecAsync(conn, """
                create table if not exists schema_migrations (
                    version    integer primary key,
                    name       text not null,
                    checksum   text not null,
                    applied_at timestamptz not null default now())
                """, ct);
            var applied = await ReadAppliedAsync(conn, ct);
            var done = new List<string>();
            foreach (var m in migrations)
            {
                if (applied.TryGetValue(m.Version, out var checksum))
                {
                    if (checksum != m.Checksum)
                    {
                        throw new MigrationException(
                            $"Migration {m.Name} was changed after it was applied to this database; ship a new numbered migration instead.");
                    }
                    continue;
                }
                await ApplyOneAsync(conn, m, ct);
                done.Add(m.Name);
            }
            return done;
        }
        finally
        {
            await ExecAsync(conn, $"select pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private static async Task ApplyOneAsync(NpgsqlConnection conn, Migration m, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await using (var cmd = new NpgsqlCommand(m.Sql, conn, tx))
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await using (var record = new NpgsqlCommand(
                "insert into schema_migrations (version, name, checksum) values (@v, @n, @c)", conn, tx))
            {
                record.Parameters.AddWithValue("v", m.Version);
                record.Parameters.AddWithValue("n", m.Name);
                record.Parameters.AddWithValue("c", m.Checksum);
                await record.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e)
        {
            throw new MigrationException($"Migration {m.Name} failed: {e.MessageText} (SQLSTATE {e.SqlState}).", e);
        }
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select version, checksum from schema_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<int, string>();
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetInt32(0)] = reader.GetString(1);
        }
        return result;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        const string prefix = "Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], out var version))
            {
                throw new MigrationException($"Migration file {name}.sql is not named NNNN_description.sql.");
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new Migration(version, name, reader.ReadToEnd()));
        }
        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException($"Two migrations share number {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }
        return [.. list.OrderBy(m => m.Version)];
    }
}
