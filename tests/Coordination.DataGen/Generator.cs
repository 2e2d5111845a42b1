using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace Coordination.DataGen;

/// <summary>
/// Fills a migrated platform database (demo directory seeded) with generated cases: checks the
/// demo wards are there and no generated case is, takes the loaded tables' secondary indexes off
/// (their definitions are kept in <c>datagen_pending_indexes</c> until rebuilt, so an interrupted
/// run is repaired by the next), COPYs the rows, rebuilds the indexes and vacuums and analyses the
/// tables, so that the first query sees what a long-running database would.
/// </summary>
public static class Generator
{
    /// <summary>Tables the generator loads.</summary>
    public static readonly string[] Tables = ["rm_cases", "rm_tasks", "case_events", "reminders", "audit_events"];

    /// <summary>Generates <paramref name="cases"/> cases (and three tasks each) into the database of <paramref name="db"/>.</summary>
    public static async Task<GenerateResult> RunAsync(NpgsqlDataSource db, int cases, int seed, DateTimeOffset now, bool dropIndexes, TextWriter log)
    {
        var total = Stopwatch.StartNew();
        await CheckAsync(db);
        await RebuildPendingIndexesAsync(db, log);
        if (dropIndexes)
        {
            await DropSecondaryIndexesAsync(db, log);
        }
        // The ward task counts' trigger (migration 0020) would update a handful of counter rows three
        // million times: off for the load, and the counts recomputed once at the end.
        await ExecAsync(db, "alter table rm_tasks disable trigger user");
        var factory = new CaseFactory(cases, seed, now);
        var load = Stopwatch.StartNew();
        long rows;
        await using (var sink = await ReadModelCopySink.OpenAsync(db))
        {
            var channel = Channel.CreateBounded<GeneratedCase[]>(8);
            const int Chunk = 2_000;
            var producer = Task.Run(async () =>
            {
                for (var from = 0; from < cases; from += Chunk)
                {
                    var chunk = new GeneratedCase[Math.Min(Chunk, cases - from)];
                    var start = from;
                    Parallel.For(0, chunk.Length, i =>
                    {
                        chunk[i] = factory.Build(start + i);
                        ReadModelCopySink.Prepare(chunk[i]);
                    });
                    await channel.Writer.WriteAsync(chunk);
                }
                channel.Writer.Complete();
            });
            var written = 0;
            await foreach (var chunk in channel.Reader.ReadAllAsync())
            {
                foreach (var g in chunk)
                {
                    sink.Write(g);
                }
                written += chunk.Length;
                if (written % 100_000 < Chunk && written >= 100_000)
                {
                    log.WriteLine($"datagen: {written:N0} cases, {sink.Rows:N0} rows ({load.Elapsed.TotalSeconds:0} s, {sink.Rows / load.Elapsed.TotalSeconds:N0} rows/s)");
                }
            }
            await producer;
            await sink.CompleteAsync();
            rows = sink.Rows;
            log.WriteLine($"datagen: copied {sink.Cases:N0} cases, {sink.Tasks:N0} tasks, {sink.Events:N0} case events, {sink.Reminders:N0} reminders, "
                + $"{sink.AuditRows:N0} audit rows = {rows:N0} rows in {load.Elapsed.TotalSeconds:0.0} s ({rows / load.Elapsed.TotalSeconds:N0} rows/s)");
        }
        var copySeconds = load.Elapsed.TotalSeconds;
        await RecountAsync(db);
        var indexClock = Stopwatch.StartNew();
        await RebuildPendingIndexesAsync(db, log);
        var indexSeconds = indexClock.Elapsed.TotalSeconds;
        var vacuumClock = Stopwatch.StartNew();
        foreach (var table in Tables)
        {
            await ExecAsync(db, $"vacuum (analyze) {table}");
        }
        log.WriteLine($"datagen: vacuum and analyse {vacuumClock.Elapsed.TotalSeconds:0.0} s");
        log.WriteLine($"datagen: done, {cases:N0} cases in {total.Elapsed.TotalSeconds:0.0} s (copy {copySeconds:0.0} s, indexes {indexSeconds:0.0} s, "
            + $"vacuum {vacuumClock.Elapsed.TotalSeconds:0.0} s); {rows / total.Elapsed.TotalSeconds:N0} rows/s overall");
        return new GenerateResult(rows, copySeconds, indexSeconds, total.Elapsed.TotalSeconds);
    }

    /// <summary>Turns the task triggers back on and recounts the ward task counts (when the table exists) from the rows.</summary>
    private static async Task RecountAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var enable = new NpgsqlCommand("alter table rm_tasks enable trigger user", conn, tx))
        {
            await enable.ExecuteNonQueryAsync();
        }
        await using (var exists = new NpgsqlCommand("select to_regclass('rm_ward_task_counts') is not null", conn, tx))
        {
            if ((bool)(await exists.ExecuteScalarAsync())!)
            {
                await using var recount = new NpgsqlCommand("""
                    delete from rm_ward_task_counts;
                    insert into rm_ward_task_counts (ward_id, status, n) select ward_id, status, count(*) from rm_tasks where not is_open group by ward_id, status
                    """, conn, tx) { CommandTimeout = 0 };
                await recount.ExecuteNonQueryAsync();
            }
        }
        await tx.CommitAsync();
    }

    private static async Task CheckAsync(NpgsqlDataSource db)
    {
        await using (var wards = db.CreateCommand("select count(*) from rm_wards where id = any(@ids)"))
        {
            wards.Parameters.AddWithValue("ids", Coordination.Api.Demo.DemoDirectory.Wards.Select(w => w.Id).ToArray());
            if ((long)(await wards.ExecuteScalarAsync())! != Coordination.Api.Demo.DemoDirectory.Wards.Length)
            {
                throw new InvalidOperationException("The demo directory is not in this database: start the host once with COORD_SEED_DEMO=1 first.");
            }
        }
        await using var existing = db.CreateCommand($"select exists (select 1 from rm_cases where id like '{CaseFactory.CasePrefix}%')");
        if ((bool)(await existing.ExecuteScalarAsync())!)
        {
            throw new InvalidOperationException($"This database already holds generated cases ({CaseFactory.CasePrefix}…): generate into a fresh one.");
        }
    }

    /// <summary>Drops the loaded tables' indexes that back no constraint, keeping their definitions to rebuild.</summary>
    private static async Task DropSecondaryIndexesAsync(NpgsqlDataSource db, TextWriter log)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var save = new NpgsqlCommand("""
            create table if not exists datagen_pending_indexes (name text primary key, definition text not null);
            insert into datagen_pending_indexes (name, definition)
            select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            from pg_index i
            where i.indrelid = any(@tables::regclass[])
              and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
            on conflict do nothing
            """, conn, tx))
        {
            save.Parameters.AddWithValue("tables", Tables);
            await save.ExecuteNonQueryAsync();
        }
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("select name from datagen_pending_indexes", conn, tx))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }
        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"drop index if exists {name}", conn, tx);
            await drop.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        log.WriteLine($"datagen: took {names.Count} secondary indexes off for the load");
    }

    /// <summary>Rebuilds the indexes named in <c>datagen_pending_indexes</c> (none when the table does not exist).</summary>
    private static async Task RebuildPendingIndexesAsync(NpgsqlDataSource db, TextWriter log)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using (var exists = new NpgsqlCommand("select to_regclass('datagen_pending_indexes') is not null", conn))
        {
            if (!(bool)(await exists.ExecuteScalarAsync())!)
            {
                return;
            }
        }
        var pending = new List<(string Name, string Definition)>();
        await using (var list = new NpgsqlCommand("select name, definition from datagen_pending_indexes order by name", conn))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                pending.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        await using (var settings = new NpgsqlCommand("set maintenance_work_mem = '1GB'; set max_parallel_maintenance_workers = 2", conn))
        {
            await settings.ExecuteNonQueryAsync();
        }
        foreach (var (name, definition) in pending)
        {
            var clock = Stopwatch.StartNew();
            await using (var create = new NpgsqlCommand(definition.Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", StringComparison.Ordinal)
                .Replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", StringComparison.Ordinal), conn) { CommandTimeout = 0 })
            {
                await create.ExecuteNonQueryAsync();
            }
            await using (var done = new NpgsqlCommand("delete from datagen_pending_indexes where name = @n", conn))
            {
                done.Parameters.AddWithValue("n", name);
                await done.ExecuteNonQueryAsync();
            }
            log.WriteLine($"datagen: rebuilt {name} in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        await using var drop = new NpgsqlCommand("drop table datagen_pending_indexes", conn);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>What a generation run wrote and how long it took.</summary>
public sealed record GenerateResult(long Rows, double CopySeconds, double IndexSeconds, double TotalSeconds);
