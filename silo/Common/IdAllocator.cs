using System.Collections.Concurrent;
using Npgsql;

namespace Coordination.Silo.Common;

/// <summary>
/// Hands out human-readable ids (e.g. <c>DN-2026-000123</c>) from per-year sequences in PostgreSQL,
/// remembering which request got which id: a retried create gets the same id, so it never opens a
/// second case. Sequences never block concurrent creates (a counter row held every create in the
/// city behind one lock through each commit); a number taken by a create that then fails is
/// skipped, so numbers are unique and increasing with rare gaps.
/// </summary>
public sealed class IdAllocator(NpgsqlDataSource db)
{
    private readonly ConcurrentDictionary<string, bool> _sequences = new();

    /// <summary>
    /// The id for <paramref name="requestId"/> of <paramref name="scope"/> (kind and caller), allocating
    /// <c>{prefix}-{year}-{n:D6}</c> the first time.
    /// </summary>
    public async Task<string> AllocateAsync(string kind, string prefix, string scope, string requestId, int year)
    {
        var sequence = await EnsureSequenceAsync(kind, year);
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
        await using (var next = new NpgsqlCommand($"select nextval('{sequence}')", conn, tx))
        {
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

    /// <summary>Creates the (kind, year) sequence the first time it is needed.</summary>
    private async Task<string> EnsureSequenceAsync(string kind, int year)
    {
        var sequence = $"ids_{kind}_{year}";
        if (!sequence.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_'))
        {
            throw new ArgumentException("Id kinds are lower-case ASCII words: " + kind, nameof(kind));
        }
        if (_sequences.ContainsKey(sequence))
        {
            return sequence;
        }
        await using var create = db.CreateCommand($"create sequence if not exists {sequence}");
        try
        {
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another host created it at the same moment.
        }
        _sequences[sequence] = true;
        return sequence;
    }
}
