using Coordination.Api.Audit;
using Npgsql;

namespace Coordination.Api.Identity;

/// <summary>
/// Token revocations and agency client secrets in PostgreSQL (migration 0016). Every change commits
/// together with its audit row.
/// </summary>
public sealed class CredentialStore(NpgsqlDataSource db)
{
    /// <summary>Revokes token <paramref name="tokenId"/> (kept until <paramref name="expiresAt"/>).</summary>
    public async Task RevokeTokenAsync(string tokenId, string principal, DateTimeOffset now, DateTimeOffset expiresAt, string reason, AuditRecord audit)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("""
            insert into revoked_tokens (token_id, principal, revoked_at, expires_at, reason) values (@id, @p, @now, @exp, @reason)
            on conflict (token_id) do update set expires_at = greatest(revoked_tokens.expires_at, excluded.expires_at)
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("id", tokenId);
            cmd.Parameters.AddWithValue("p", principal);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("exp", expiresAt);
            cmd.Parameters.AddWithValue("reason", reason);
            await cmd.ExecuteNonQueryAsync();
        }
        await AuditLog.InsertAsync(conn, tx, audit);
        await tx.CommitAsync();
    }

    /// <summary>
    /// Refuses every token of <paramref name="principal"/> issued before <paramref name="before"/>; for an
    /// agency, also deletes its client secret (it gets no new token until a new secret is made).
    /// </summary>
    public async Task RevokePrincipalAsync(string principal, DateTimeOffset before, string reason, AuditRecord audit)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("""
            insert into revoked_principals (principal, revoked_before, reason) values (@p, @before, @reason)
            on conflict (principal) do update set revoked_before = greatest(revoked_principals.revoked_before, excluded.revoked_before), reason = excluded.reason
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("p", principal);
            cmd.Parameters.AddWithValue("before", before);
            cmd.Parameters.AddWithValue("reason", reason);
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var cmd = new NpgsqlCommand("delete from agency_clients where agency = @p", conn, tx))
        {
            cmd.Parameters.AddWithValue("p", principal);
            await cmd.ExecuteNonQueryAsync();
        }
        await AuditLog.InsertAsync(conn, tx, audit);
        await tx.CommitAsync();
    }

    /// <summary>The revocations in force: tokens not yet expired, and every principal's cut-off.</summary>
    public async Task<RevocationSet> LoadAsync(CancellationToken ct)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("select token_id from revoked_tokens where expires_at > now()"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tokens.Add(reader.GetString(0));
            }
        }
        var principals = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("select principal, revoked_before from revoked_principals"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                principals[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            }
        }
        return new RevocationSet(tokens, principals);
    }

    /// <summary>Deletes revocations of tokens that have expired anyway.</summary>
    public async Task PruneAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from revoked_tokens where expires_at < now()");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stores <paramref name="secretHash"/> as the agency's one client secret (replacing any earlier one).</summary>
    public async Task SetClientSecretAsync(string agency, byte[] secretHash, DateTimeOffset now, AuditRecord audit)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("""
            insert into agency_clients (agency, secret_hash, created_at, rotated_at) values (@a, @h, @now, @now)
            on conflict (agency) do update set secret_hash = excluded.secret_hash, rotated_at = excluded.rotated_at
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("a", agency);
            cmd.Parameters.AddWithValue("h", secretHash);
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync();
        }
        await AuditLog.InsertAsync(conn, tx, audit);
        await tx.CommitAsync();
    }

    /// <summary>Stores many agencies' secrets in one transaction with one audit row (the demo seed at every start).</summary>
    public async Task SetClientSecretsAsync(IReadOnlyList<(string Agency, byte[] SecretHash)> secrets, DateTimeOffset now, AuditRecord audit)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("""
            insert into agency_clients (agency, secret_hash, created_at, rotated_at)
            select a, h, @now, @now from unnest(@agencies, @hashes) as s(a, h)
            on conflict (agency) do update set secret_hash = excluded.secret_hash, rotated_at = excluded.rotated_at
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("agencies", secrets.Select(s => s.Agency).ToArray());
            cmd.Parameters.AddWithValue("hashes", secrets.Select(s => s.SecretHash).ToArray());
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync();
        }
        await AuditLog.InsertAsync(conn, tx, audit);
        await tx.CommitAsync();
    }

    /// <summary>The hash of the agency's client secret, or null when it has none.</summary>
    public async Task<byte[]?> ClientSecretHashAsync(string agency, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select secret_hash from agency_clients where agency = @a");
        cmd.Parameters.AddWithValue("a", agency);
        return await cmd.ExecuteScalarAsync(ct) as byte[];
    }
}
