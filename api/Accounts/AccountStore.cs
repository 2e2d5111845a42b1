using System.Text.Json;
using Coordination.Api.Audit;
using Coordination.Silo.Common;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Api.Accounts;

/// <summary>
/// Accounts, sessions and the answers kept for retries, in PostgreSQL. Every change runs in one
/// transaction with the account row locked, and commits together with its audit rows, the
/// sessions it revokes and the answer a retry will get.
/// </summary>
public sealed class AccountStore(NpgsqlDataSource db)
{
    private const string Columns =
        "username, display_name, role, scope, enabled, language_code, password_change_required, failed_sign_ins, locked_until, " +
        "last_sign_in_time, create_time, update_time, version, password_hash";

    /// <summary>The account and its password hash, or null.</summary>
    public async Task<(AccountRecord Account, string PasswordHash)?> GetAsync(string username, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from accounts where username = @u");
        cmd.Parameters.AddWithValue("u", username);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (Read(reader), reader.GetString(13)) : null;
    }

    /// <summary>Accounts by username after <paramref name="after"/>, filtered.</summary>
    public async Task<IReadOnlyList<AccountRecord>> ListAsync(string? role, string? scope, bool includeDisabled, string after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select {Columns} from accounts
            where username > @after and (@role::text is null or role = @role) and (@scope::text is null or scope = @scope)
              and (@disabled or enabled)
            order by username limit @limit
            """);
        cmd.Parameters.AddWithValue("after", after);
        cmd.Parameters.Add(new NpgsqlParameter("role", NpgsqlDbType.Text) { Value = (object?)role ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("scope", NpgsqlDbType.Text) { Value = (object?)scope ?? DBNull.Value });
        cmd.Parameters.AddWithValue("disabled", includeDisabled);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<AccountRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(Read(reader));
        }
        return result;
    }

    /// <summary>The answer kept for <paramref name="principal"/>'s request, or null.</summary>
    public async Task<KeptAnswer?> FindAnswerAsync(string principal, string requestId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            "select method, username, response, secret from account_requests where principal = @p and request_id = @r");
        cmd.Parameters.AddWithValue("p", principal);
        cmd.Parameters.AddWithValue("r", requestId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var account = JsonSerializer.Deserialize<AccountRecord?>(reader.GetFieldValue<byte[]>(2), Json);
        return new KeptAnswer(reader.GetString(0), reader.GetString(1), account, reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3));
    }

    /// <summary>
    /// Inserts a new account with its audit row and kept answer; false when the username is taken
    /// (nothing is written then).
    /// </summary>
    public async Task<bool> InsertAsync(AccountRecord a, string passwordHash, AuditRecord audit, KeptAnswer answer, string principal, string requestId)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("""
            insert into accounts (username, display_name, role, scope, enabled, language_code, password_hash,
                password_change_required, failed_sign_ins, locked_until, last_sign_in_time, create_time, update_time, version)
            values (@u, @n, @role, @scope, @enabled, @lang, @hash, @pcr, 0, null, null, @now, @now, @v)
            on conflict (username) do nothing
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("u", a.Username);
            cmd.Parameters.AddWithValue("n", a.DisplayName);
            cmd.Parameters.AddWithValue("role", a.Role);
            cmd.Parameters.AddWithValue("scope", a.Scope);
            cmd.Parameters.AddWithValue("enabled", a.Enabled);
            cmd.Parameters.AddWithValue("lang", a.LanguageCode);
            cmd.Parameters.AddWithValue("hash", passwordHash);
            cmd.Parameters.AddWithValue("pcr", a.PasswordChangeRequired);
            cmd.Parameters.AddWithValue("now", a.CreateTime);
            cmd.Parameters.AddWithValue("v", a.Version);
            if (await cmd.ExecuteNonQueryAsync() == 0)
            {
                return false;
            }
        }
        await AuditLog.InsertAsync(conn, tx, audit);
        if (!await KeepAnswerAsync(conn, tx, principal, requestId, answer, a.CreateTime))
        {
            await tx.RollbackAsync();
            return false;
        }
        await tx.CommitAsync();
        return true;
    }

    /// <summary>
    /// Changes one account in a transaction with its row locked: <paramref name="change"/> sees the
    /// current account and hash and says what to write (or throws to write nothing). The audit rows,
    /// session revocations and the kept answer commit with it. Null when there is no such account.
    /// A concurrent request with the same id that committed first wins: its answer is returned.
    /// </summary>
    public async Task<ChangeResult?> ChangeAsync(string username, Func<AccountRecord, string, AccountChange> change, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        AccountRecord current;
        string hash;
        await using (var select = new NpgsqlCommand($"select {Columns} from accounts where username = @u for update", conn, tx))
        {
            select.Parameters.AddWithValue("u", username);
            await using var reader = await select.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }
            (current, hash) = (Read(reader), reader.GetString(13));
        }
        var c = change(current, hash);
        var next = c.Account;
        if (next is not null)
        {
            await using var update = new NpgsqlCommand("""
                update accounts set display_name = @n, role = @role, scope = @scope, enabled = @enabled, language_code = @lang,
                    password_hash = @hash, password_change_required = @pcr, failed_sign_ins = @failed, locked_until = @locked,
                    last_sign_in_time = @last, update_time = @updated, version = @v
                where username = @u
                """, conn, tx);
            update.Parameters.AddWithValue("u", username);
            update.Parameters.AddWithValue("n", next.DisplayName);
            update.Parameters.AddWithValue("role", next.Role);
            update.Parameters.AddWithValue("scope", next.Scope);
            update.Parameters.AddWithValue("enabled", next.Enabled);
            update.Parameters.AddWithValue("lang", next.LanguageCode);
            update.Parameters.AddWithValue("hash", c.PasswordHash ?? hash);
            update.Parameters.AddWithValue("pcr", next.PasswordChangeRequired);
            update.Parameters.AddWithValue("failed", next.FailedSignIns);
            update.Parameters.Add(new NpgsqlParameter("locked", NpgsqlDbType.TimestampTz) { Value = (object?)next.LockedUntil ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter("last", NpgsqlDbType.TimestampTz) { Value = (object?)next.LastSignInTime ?? DBNull.Value });
            update.Parameters.AddWithValue("updated", next.UpdateTime);
            update.Parameters.AddWithValue("v", next.Version);
            await update.ExecuteNonQueryAsync(ct);
        }
        var revoked = new List<Guid>();
        if (c.RevokeSessions is { } revoke)
        {
            await using var cmd = new NpgsqlCommand("""
                update account_sessions set revoked_at = now(), revoke_reason = @reason
                where username = @u and revoked_at is null and expires_at > now() and (@keep::uuid is null or id <> @keep)
                returning id
                """, conn, tx);
            cmd.Parameters.AddWithValue("u", username);
            cmd.Parameters.AddWithValue("reason", revoke.Reason);
            cmd.Parameters.Add(new NpgsqlParameter("keep", NpgsqlDbType.Uuid) { Value = (object?)revoke.Except ?? DBNull.Value });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                revoked.Add(reader.GetGuid(0));
            }
        }
        if (c.NewSession is { } session)
        {
            await using var cmd = new NpgsqlCommand(
                "insert into account_sessions (id, username, created_at, expires_at) values (@id, @u, @created, @expires)", conn, tx);
            cmd.Parameters.AddWithValue("id", session.Id);
            cmd.Parameters.AddWithValue("u", username);
            cmd.Parameters.AddWithValue("created", session.Created);
            cmd.Parameters.AddWithValue("expires", session.Expires);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        foreach (var audit in c.Audit)
        {
            await AuditLog.InsertAsync(conn, tx, audit);
        }
        if (c.Answer is { } answer && !await KeepAnswerAsync(conn, tx, answer.Principal, answer.RequestId, answer.Kept, next?.UpdateTime ?? current.UpdateTime))
        {
            await tx.RollbackAsync(ct);
            return new ChangeResult(current, [], await FindAnswerAsync(answer.Principal, answer.RequestId, ct));
        }
        await tx.CommitAsync(ct);
        return new ChangeResult(next ?? current, revoked, null);
    }

    /// <summary>Ends one session; returns whether it was live.</summary>
    public async Task<bool> RevokeSessionAsync(Guid id, string reason, AuditRecord audit)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(
            "update account_sessions set revoked_at = now(), revoke_reason = @reason where id = @id and revoked_at is null", conn, tx);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("reason", reason);
        var live = await cmd.ExecuteNonQueryAsync() > 0;
        await AuditLog.InsertAsync(conn, tx, audit);
        await tx.CommitAsync();
        return live;
    }

    /// <summary>The account a session belongs to and whether it was revoked, or null when unknown.</summary>
    public async Task<(string Username, bool Revoked)?> FindSessionAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select username, revoked_at is not null from account_sessions where id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>Every revoked session that has not expired yet (their tokens could still be presented).</summary>
    public async Task<HashSet<Guid>> RevokedSessionsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id from account_sessions where revoked_at is not null and expires_at > now()");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetGuid(0));
        }
        return result;
    }

    /// <summary>Deletes answers older than <paramref name="retention"/> and sessions that expired a day ago or more.</summary>
    public async Task PruneAsync(TimeSpan retention, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from account_requests where created_at < now() - @retention;
            delete from account_sessions where expires_at < now() - interval '1 day'
            """);
        cmd.Parameters.AddWithValue("retention", retention);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Accounts that exist among <paramref name="usernames"/>.</summary>
    public async Task<HashSet<string>> ExistingAsync(IReadOnlyList<string> usernames, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select username from accounts where username = any(@u)");
        cmd.Parameters.AddWithValue("u", usernames.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }
        return result;
    }

    private static async Task<bool> KeepAnswerAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string principal, string requestId, KeptAnswer answer, DateTimeOffset now)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into account_requests (principal, request_id, method, username, response, secret, created_at)
            values (@p, @r, @m, @u, @response, @secret, @now)
            on conflict (principal, request_id) do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue("p", principal);
        cmd.Parameters.AddWithValue("r", requestId);
        cmd.Parameters.AddWithValue("m", answer.Method);
        cmd.Parameters.AddWithValue("u", answer.Username);
        cmd.Parameters.AddWithValue("response", JsonSerializer.SerializeToUtf8Bytes(answer.Account, Json));
        cmd.Parameters.Add(new NpgsqlParameter("secret", NpgsqlDbType.Bytea) { Value = (object?)answer.Secret ?? DBNull.Value });
        cmd.Parameters.AddWithValue("now", now);
        return await cmd.ExecuteNonQueryAsync() > 0;
    }

    private static AccountRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetString(5), r.GetBoolean(6), r.GetInt32(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        r.GetFieldValue<DateTimeOffset>(10), r.GetFieldValue<DateTimeOffset>(11), r.GetInt64(12));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
}

/// <summary>An answer kept for retries: which method on which account, the account then, the encrypted one-time password.</summary>
public sealed record KeptAnswer(string Method, string Username, AccountRecord? Account, byte[]? Secret);

/// <summary>What one change writes. A null <see cref="Account"/> leaves the row as it is.</summary>
public sealed record AccountChange(
    AccountRecord? Account,
    IReadOnlyList<AuditRecord> Audit,
    string? PasswordHash = null,
    SessionRevocation? RevokeSessions = null,
    NewSession? NewSession = null,
    (string Principal, string RequestId, KeptAnswer Kept)? Answer = null);

/// <summary>Revoke the account's live sessions, except <see cref="Except"/>.</summary>
public sealed record SessionRevocation(string Reason, Guid? Except = null);

/// <summary>A session a sign-in opens.</summary>
public sealed record NewSession(Guid Id, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>The account after a change, the sessions it revoked, or the earlier answer when a concurrent retry won.</summary>
public sealed record ChangeResult(AccountRecord Account, IReadOnlyList<Guid> RevokedSessions, KeptAnswer? EarlierAnswer);
