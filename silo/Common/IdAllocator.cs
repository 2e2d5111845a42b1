using Npgsql;

namespace Coordination.Silo.Common;

/// <summary>
/// Hands out human-readable ids (e.g. <c>DN-2026-000123</c>) from per-year counters in PostgreSQL,
/// remembering which request got which id: a retried create gets the same id, so it never opens a
/// second case. Counter and request row commit together.
/// </summary>
public sealed class IdAllocator(NpgsqlDataSource db)
{
    /// <summary>
    /// The id for <paramref name="requestId"/> of <paramref name="scope"/> (kind and caller), allocating
    /// <c>{prefix}-{year}-{n:D6}</c> the first time.
    /// </summary>
    public async Task<string> AllocateAsync(string kind, string prefix, string scope, string requestId, int year)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var find = new NpgsqlCommand(
            "select id from id_requests where scope = @s and request_id = @r", conn, tx))
        {
            find.Parameters.AddWithValue("s", scope);
            find.Parameters.AddWithValue("r", requestId);
            if (await find.ExecuteScalarAsync() is string existing)
            {
                return existing;
            }
        }
        long n;
        await using (var next = new NpgsqlCommand("""
            insert into id_counters (kind, year, last) values (@k, @y, 1)
            on conflict (kind, year) do update set last = id_counters.last + 1
            returning last
            """, conn, tx))
        {
            next.Parameters.AddWithValue("k", kind);
            next.Parameters.AddWithValue("y", year);
            n = (long)(await next.ExecuteScalarAsync())!;
        }
        var id = $"{prefix}-{year}-{n:D6}";
        await using (var record = new NpgsqlCommand(
            "insert into id_requests (scope, request_id, id) values (@s, @r, @i) on conflict do nothing", conn, tx))
        {
            record.Parameters.AddWithValue("s", scope);
            record.Parameters.AddWithValue("r", requestId);
            record.Parameters.AddWithValue("i", id);
            if (await record.ExecuteNonQueryAsync() == 0)
            {
                // A concurrent retry of the same request won the race: use its id.
                await tx.RollbackAsync();
                return await AllocateAsync(kind, prefix, scope, requestId, year);
            }
        }
        await tx.CommitAsync();
        return id;
    }
}
