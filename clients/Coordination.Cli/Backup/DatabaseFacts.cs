using Npgsql;

namespace Coordination.Cli.Backup;

/// <summary>
/// Figures of a platform database that a restore must reproduce exactly: a row count per table and a
/// few figures operators ask about after a restore (pending reminders, partner feed cursors, the
/// audit trail's last entry). Taken inside the dump's snapshot at backup time, and again after a restore.
/// </summary>
public static class DatabaseFacts
{
    /// <summary>
    /// Tables whose rows are not copied: Orleans' silo list is the running cluster, not data. A
    /// restored database with the old rows would make its first host probe the old silos' addresses
    /// (possibly a live production cluster during a restore drill) before declaring them dead.
    /// </summary>
    public static readonly IReadOnlyList<string> RuntimeTables = ["orleansmembershiptable"];

    /// <summary>Derived figures, by key, when their table exists.</summary>
    private static readonly (string Key, string Table, string Sql)[] Derived =
    [
        ("reminders:pending", "reminders", "select count(*) from reminders where fired_at is null"),
        ("feed_heads:acked_sequence_sum", "feed_heads", "select coalesce(sum(acked_seq), 0)::bigint from feed_heads"),
        ("feed_heads:last_sequence_sum", "feed_heads", "select coalesce(sum(last_seq), 0)::bigint from feed_heads"),
        ("audit_events:max_id", "audit_events", "select coalesce(max(id), 0)::bigint from audit_events"),
    ];

    /// <summary>Counts every table of the public schema (runtime tables left out) and the derived figures.</summary>
    public static async Task<SortedDictionary<string, long>> RowCountsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select tablename from pg_tables where schemaname = 'public' order by tablename", connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables.Where(t => !RuntimeTables.Contains(t)))
        {
            counts[table] = await ScalarAsync($"select count(*) from public.{PostgresTools.QuoteIdentifier(table)}", connection, transaction, cancellationToken);
        }
        foreach (var (key, table, sql) in Derived.Where(d => tables.Contains(d.Table)))
        {
            counts[key] = await ScalarAsync(sql, connection, transaction, cancellationToken);
        }
        return counts;
    }

    /// <summary>The last migration applied, or "" for a database the host never migrated.</summary>
    public static async Task<string> SchemaVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            "select case when to_regclass('public.schema_migrations') is null then '' else coalesce((select name from schema_migrations order by version desc limit 1), '') end",
            connection, transaction);
        return (string)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Tables in the database's own schemas (zero for a fresh, empty database).</summary>
    public static async Task<long> UserTableCountAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await ScalarAsync("select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')", connection, null, cancellationToken);

    /// <summary>The differences between two sets of figures, one line each.</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyDictionary<string, long> expected, IReadOnlyDictionary<string, long> actual) =>
        expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(k => !expected.TryGetValue(k, out var e) || !actual.TryGetValue(k, out var a) || e != a)
            .Select(k => $"{k}: {(expected.TryGetValue(k, out var e) ? e.ToString("N0") : "—")} → {(actual.TryGetValue(k, out var a) ? a.ToString("N0") : "—")}")
            .ToList();

    private static async Task<long> ScalarAsync(string sql, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
