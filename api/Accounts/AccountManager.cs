using System.Security.Claims;
using Coordination.Api.Audit;
using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Accounts;

/// <summary>
/// What can happen to an account: sign-in (with lockout), sign-out, creation, change, password reset
/// and change. Each change is one transaction with its audit rows and the answer a retry with the
/// same request id gets; who may do it is checked by the caller (the gRPC service).
/// </summary>
public sealed class AccountManager(
    AccountStore store,
    SessionRegistry sessions,
    OneTimePasswords oneTimePasswords,
    TokenIssuer tokens,
    AuditLog auditLog,
    IOptions<AccountOptions> options,
    IOptions<SecurityOptions> security,
    AgencyCredentials credentials,
    TimeProvider time)
{
    /// <summary>Claim carrying the session id of a sign-in token.</summary>
    public const string SessionClaim = "sid";

    /// <summary>Claim present (value "1") on a token whose account must change its one-time password first.</summary>
    public const string PasswordChangeClaim = "pwd_change";

    private const string Service = "coordination.v1.AccountService/";

    /// <summary>Audit method names.</summary>
    public const string SignInMethod = Service + "SignIn", SignOutMethod = Service + "SignOut", CreateMethod = Service + "CreateAccount",
        UpdateMethod = Service + "UpdateAccount", ResetMethod = Service + "ResetPassword", ChangePasswordMethod = Service + "ChangePassword";

    // ASP.NET Core Identity's hasher: PBKDF2 (HMAC-SHA512, 100,000 iterations, random salt), versioned format.
    private static readonly PasswordHasher<string> Hasher = new();

    // For the demo seed only. The iteration count slows guessing of passwords people choose; the demo
    // passwords are ~79 random bits from the CSPRNG, beyond guessing at any count. 45 full-strength
    // hashes cost seconds of both cores at every seeded start (every test host), and on a loaded
    // machine kept hosts from serving in time. The first sign-in rehashes at full strength
    // (VerifyHashedPassword answers SuccessRehashNeeded for a lower count).
    private static readonly PasswordHasher<string> DemoHasher = new(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { IterationCount = 1_000 }));
    // Verified against when the username is unknown, so the answer takes as long as for a wrong password.
    private static readonly Lazy<string> UnknownUserHash = new(() => Hasher.HashPassword("", OneTimePasswords.Generate()));

    private AccountOptions Options => options.Value;

    // PostgreSQL keeps microseconds: an answer given now equals the account read back later.
    private DateTimeOffset Now()
    {
        var t = time.GetUtcNow();
        return new DateTimeOffset(t.Ticks - (t.Ticks % 10), t.Offset);
    }

    /// <summary>Hashes a password.</summary>
    public static string Hash(string username, string password) => Hasher.HashPassword(username, password);

    /// <summary>Signs in: a token for a new session, or <see cref="SignInRefusedException"/> (audited either way).</summary>
    public async Task<SignedIn> SignInAsync(string username, string password, string address)
    {
        var now = Now();
        var from = $"from {address}";
        var found = await store.GetAsync(username);
        if (found is null)
        {
            Hasher.VerifyHashedPassword("", UnknownUserHash.Value, password);
            await auditLog.AppendAsync(SignInAudit(now, "users/" + username, "", "", "UNAUTHENTICATED", $"UNKNOWN_ACCOUNT: {from}"));
            throw SignInRefusedException.Failed();
        }
        var (account, hash) = found.Value;
        if (account.Lockout.IsLocked(now))
        {
            await auditLog.AppendAsync(SignInAudit(now, account, "UNAUTHENTICATED", $"REFUSED_LOCKED: locked until {account.LockedUntil:O}, {from}"));
            throw SignInRefusedException.Locked(account.LockedUntil!.Value);
        }
        var verdict = Hasher.VerifyHashedPassword(username, hash, password);
        if (!account.Enabled)
        {
            await auditLog.AppendAsync(SignInAudit(now, account, "UNAUTHENTICATED", $"DISABLED: {from}"));
            throw SignInRefusedException.Failed();
        }
        if (verdict == PasswordVerificationResult.Failed)
        {
            var after = await RecordFailureAsync(username, now, SignInMethod, from);
            throw after is { } until ? SignInRefusedException.Locked(until) : SignInRefusedException.Failed();
        }

        var session = new NewSession(Guid.NewGuid(), now, now + security.Value.PersonTokenLifetime);
        SignInRefusedException? refused = null;
        var result = await store.ChangeAsync(username, (current, currentHash) =>
        {
            // The account may have changed since the password was checked (a concurrent sign-in's
            // rehash of the same password is no change).
            var passwordChanged = currentHash != hash && Hasher.VerifyHashedPassword(username, currentHash, password) == PasswordVerificationResult.Failed;
            if (current.Lockout.IsLocked(now) || !current.Enabled || passwordChanged)
            {
                refused = current.Lockout.IsLocked(now) ? SignInRefusedException.Locked(current.LockedUntil!.Value) : SignInRefusedException.Failed();
                return new AccountChange(null, [SignInAudit(now, current, "UNAUTHENTICATED", $"CHANGED_MEANWHILE: {from}")]);
            }
            return new AccountChange(
                current with { FailedSignIns = 0, LockedUntil = null, LastSignInTime = now },
                [SignInAudit(now, current, "OK", $"SIGNED_IN: session {session.Id}, {from}")],
                PasswordHash: verdict == PasswordVerificationResult.SuccessRehashNeeded && currentHash == hash ? Hasher.HashPassword(username, password) : null,
                NewSession: session);
        });
        if (refused is not null || result is null)
        {
            throw refused ?? SignInRefusedException.Failed();
        }
        var signedIn = result.Account;
        sessions.Opened(session.Id, username);
        List<Claim> claims = [new(SessionClaim, session.Id.ToString())];
        if (signedIn.PasswordChangeRequired)
        {
            claims.Add(new(PasswordChangeClaim, "1"));
        }
        var token = tokens.Issue(new Actor(signedIn.Principal, signedIn.DisplayName, signedIn.Role, signedIn.Scope), security.Value.PersonTokenLifetime, claims);
        // The token's expiry is in whole seconds.
        return new SignedIn(token, DateTimeOffset.FromUnixTimeSeconds(session.Expires.ToUnixTimeSeconds()), signedIn);
    }

    /// <summary>Ends <paramref name="sessionId"/>; on every host within the refresh interval.</summary>
    public async Task SignOutAsync(Actor caller, Guid sessionId)
    {
        var now = Now();
        await store.RevokeSessionAsync(sessionId, "signed out",
            new AuditRecord(now, caller.Principal, caller.Role, caller.Scope, SignOutMethod, caller.Principal, "OK", $"SIGNED_OUT: session {sessionId}"));
        sessions.Revoked([sessionId]);
    }

    /// <summary>Creates an account with a one-time password (returned once; a retry returns the same).</summary>
    public async Task<AccountAnswer> CreateAsync(Actor caller, AccountRecord draft, string requestId)
    {
        if (await EarlierAsync(caller, requestId, CreateMethod, draft.Username) is { } earlier)
        {
            return earlier;
        }
        var now = Now();
        var account = draft with
        {
            PasswordChangeRequired = true, FailedSignIns = 0, LockedUntil = null, LastSignInTime = null, CreateTime = now, UpdateTime = now, Version = 1,
        };
        var password = OneTimePasswords.Generate();
        var audit = Audit(now, caller, CreateMethod, account, "OK", $"CREATED: {account.Role} {account.Scope}, enabled {account.Enabled}");
        var kept = new KeptAnswer(CreateMethod, account.Username, account, oneTimePasswords.Protect(password, Binding(caller, requestId, account.Username)));
        if (!await store.InsertAsync(account, Hash(account.Username, password), audit, kept, caller.Principal, requestId))
        {
            // Taken by someone else, or by a concurrent retry of this very request.
            return await EarlierAsync(caller, requestId, CreateMethod, draft.Username) ?? throw new AlreadyExistsException(account.Principal);
        }
        return new AccountAnswer(account, password);
    }

    /// <summary>Changes <paramref name="fields"/> of an account to <paramref name="patch"/>'s values.</summary>
    public async Task<AccountRecord> UpdateAsync(Actor caller, string username, AccountRecord patch, IReadOnlySet<string> fields, string? etag, string requestId)
    {
        if (await EarlierAsync(caller, requestId, UpdateMethod, username) is { } earlier)
        {
            return earlier.Account!;
        }
        var now = Now();
        string? revoked = null;
        var result = await store.ChangeAsync(username, (current, _) =>
        {
            Etags.Check("users/" + username, etag, current.Version);
            var next = current with
            {
                DisplayName = fields.Contains(AccountFields.DisplayName) ? patch.DisplayName : current.DisplayName,
                Role = fields.Contains(AccountFields.Role) ? patch.Role : current.Role,
                Scope = fields.Contains(AccountFields.Scope) ? patch.Scope : current.Scope,
                Enabled = fields.Contains(AccountFields.Enabled) ? patch.Enabled : current.Enabled,
                LanguageCode = fields.Contains(AccountFields.LanguageCode) ? patch.LanguageCode : current.LanguageCode,
                UpdateTime = now,
                Version = current.Version + 1,
            };
            // Tokens carry role and scope: a new role or scope, or a disabled account, ends every session.
            var revoke = !next.Enabled && current.Enabled ? "disabled"
                : next.Role != current.Role || next.Scope != current.Scope ? "role or scope changed" : null;
            revoked = revoke;
            var changed = string.Join(", ", fields.Order(StringComparer.Ordinal));
            return new AccountChange(next,
                [Audit(now, caller, UpdateMethod, next, "OK",
                    $"{(revoke == "disabled" ? "DISABLED" : "UPDATED")}: {changed}{(revoke is null ? "" : $"; sessions revoked ({revoke})")}")],
                RevokeSessions: revoke is null ? null : new SessionRevocation(revoke),
                Answer: (caller.Principal, requestId, new KeptAnswer(UpdateMethod, username, next, null)));
        }) ?? throw new NotFoundException("users/" + username);
        if (revoked is not null && result.EarlierAnswer is null)
        {
            // Tokens without a session (issued with coord token issue) carry the old role and scope too.
            await credentials.RevokePrincipalAsync(caller, "users/" + username, "account " + revoked, UpdateMethod);
        }
        return Settle(result, caller, requestId).Account!;
    }

    /// <summary>Replaces the password with a one-time password, unlocks the account and ends its sessions.</summary>
    public async Task<AccountAnswer> ResetPasswordAsync(Actor caller, string username, string requestId)
    {
        if (await EarlierAsync(caller, requestId, ResetMethod, username) is { } earlier)
        {
            return earlier;
        }
        var now = Now();
        var password = OneTimePasswords.Generate();
        var result = await store.ChangeAsync(username, (current, _) =>
        {
            var next = current with { PasswordChangeRequired = true, FailedSignIns = 0, LockedUntil = null, UpdateTime = now, Version = current.Version + 1 };
            return new AccountChange(next,
                [Audit(now, caller, ResetMethod, next, "OK", "PASSWORD_RESET: one-time password issued, account unlocked, sessions revoked")],
                PasswordHash: Hash(username, password),
                RevokeSessions: new SessionRevocation("password reset"),
                Answer: (caller.Principal, requestId, new KeptAnswer(ResetMethod, username, next, oneTimePasswords.Protect(password, Binding(caller, requestId, username)))));
        }) ?? throw new NotFoundException("users/" + username);
        return result.EarlierAnswer is not null ? Settle(result, caller, requestId) : new AccountAnswer(result.Account, password);
    }

    /// <summary>
    /// The caller changes their own password: the current one must match (a wrong one counts toward
    /// the lock); the account's other sessions end, <paramref name="keepSession"/> stays.
    /// </summary>
    public async Task ChangePasswordAsync(Actor caller, string username, Guid? keepSession, string currentPassword, string newPassword, string requestId)
    {
        if (await EarlierAsync(caller, requestId, ChangePasswordMethod, username) is not null)
        {
            return;
        }
        var now = Now();
        var (account, hash) = await store.GetAsync(username) ?? throw new NotFoundException("users/" + username);
        if (account.Lockout.IsLocked(now))
        {
            throw new FailedPreconditionException("ACCOUNT_LOCKED", SignInRefusedException.Locked(account.LockedUntil!.Value).Message);
        }
        if (Hasher.VerifyHashedPassword(username, hash, currentPassword) == PasswordVerificationResult.Failed)
        {
            var locked = await RecordFailureAsync(username, now, ChangePasswordMethod, "changing the password");
            throw locked is { } until
                ? new FailedPreconditionException("ACCOUNT_LOCKED", SignInRefusedException.Locked(until).Message)
                : new InvalidArgumentException("current_password", "Not the current password / mật khẩu hiện tại không đúng.");
        }
        var newHash = Hash(username, newPassword);
        var result = await store.ChangeAsync(username, (current, currentHash) =>
        {
            if (currentHash != hash)
            {
                throw new StaleEtagException("users/" + username, Etags.For(current.Version));
            }
            var next = current with { PasswordChangeRequired = false, UpdateTime = now, Version = current.Version + 1 };
            return new AccountChange(next,
                [Audit(now, caller, ChangePasswordMethod, next, "OK", "PASSWORD_CHANGED: other sessions revoked")],
                PasswordHash: newHash,
                RevokeSessions: new SessionRevocation("password changed", keepSession),
                Answer: (caller.Principal, requestId, new KeptAnswer(ChangePasswordMethod, username, null, null)));
        }) ?? throw new NotFoundException("users/" + username);
        sessions.Revoked(result.RevokedSessions);
    }

    /// <summary>The account, or null.</summary>
    public async Task<AccountRecord?> GetAsync(string username) => (await store.GetAsync(username))?.Account;

    /// <summary>Accounts by username.</summary>
    public Task<IReadOnlyList<AccountRecord>> ListAsync(string? role, string? scope, bool includeDisabled, string after, int limit, CancellationToken ct) =>
        store.ListAsync(role, scope, includeDisabled, after, limit, ct);

    /// <summary>
    /// Creates the accounts that do not exist yet with the given passwords (the demo seed: no
    /// password change required, so the demo can be tried at once; random passwords hashed with a
    /// low PBKDF2 count, raised at the first sign-in). Audited as the platform.
    /// </summary>
    public async Task<int> SeedAsync(IReadOnlyList<(AccountRecord Account, string Password)> accounts, CancellationToken ct)
    {
        var existing = await store.ExistingAsync([.. accounts.Select(a => a.Account.Username)], ct);
        var missing = accounts.Where(a => !existing.Contains(a.Account.Username)).ToList();
        var now = Now();
        var created = 0;
        foreach (var (draft, password) in missing)
        {
            var account = draft with { CreateTime = now, UpdateTime = now, Version = 1 };
            var hash = DemoHasher.HashPassword(account.Username, password);
            var audit = Audit(now, Actor.Platform, CreateMethod, account, "OK", $"CREATED: demo account, {account.Role} {account.Scope}");
            if (await store.InsertAsync(account, hash, audit, new KeptAnswer(CreateMethod, account.Username, account, null), Actor.Platform.Principal, "demo-seed:" + account.Username))
            {
                created++;
            }
        }
        return created;
    }

    /// <summary>Counts a wrong password; returns when the account is now locked until, or null.</summary>
    private async Task<DateTimeOffset?> RecordFailureAsync(string username, DateTimeOffset now, string method, string context)
    {
        var o = Options;
        var result = await store.ChangeAsync(username, (current, _) =>
        {
            if (current.Lockout.IsLocked(now))
            {
                return new AccountChange(null, [SignInAudit(now, current, "UNAUTHENTICATED", $"REFUSED_LOCKED: {context}", method)]);
            }
            var after = current.Lockout.AfterFailure(now, o.MaxFailedSignIns, o.LockDuration);
            var failures = after.IsLocked(now) ? o.MaxFailedSignIns : after.FailedSignIns;
            List<AuditRecord> audit = [SignInAudit(now, current, method == SignInMethod ? "UNAUTHENTICATED" : "INVALID_ARGUMENT",
                $"WRONG_PASSWORD: failure {failures} of {o.MaxFailedSignIns} in a row, {context}", method)];
            if (after.IsLocked(now))
            {
                audit.Add(SignInAudit(now, current, "UNAUTHENTICATED",
                    $"ACCOUNT_LOCKED: {o.MaxFailedSignIns} failed sign-ins in a row; locked until {after.LockedUntil:O}", method));
            }
            return new AccountChange(current with { FailedSignIns = after.FailedSignIns, LockedUntil = after.LockedUntil }, audit);
        });
        return result?.Account.Lockout is { } state && state.IsLocked(now) ? state.LockedUntil : null;
    }

    /// <summary>The answer kept for an earlier request with this id, or null; an id reused for another request is refused.</summary>
    private async Task<AccountAnswer?> EarlierAsync(Actor caller, string requestId, string method, string username)
    {
        if (await store.FindAnswerAsync(caller.Principal, requestId) is not { } kept)
        {
            return null;
        }
        return Answer(kept, caller, requestId, method, username);
    }

    private AccountAnswer Answer(KeptAnswer kept, Actor caller, string requestId, string method, string username)
    {
        if (kept.Method != method || kept.Username != username)
        {
            throw new InvalidArgumentException("request_id", "Already used for another request / request_id đã được dùng cho yêu cầu khác.");
        }
        var password = kept.Secret is null ? "" : oneTimePasswords.Unprotect(kept.Secret, Binding(caller, requestId, username))
            ?? throw new FailedPreconditionException("RETRY_NOT_ANSWERABLE",
                "The first answer to this request can no longer be read (the signing key changed); send a new request / hãy gửi yêu cầu mới.");
        return new AccountAnswer(kept.Account, password);
    }

    /// <summary>After a change: the earlier answer when a concurrent retry won, else the change's account (its sessions refused here at once).</summary>
    private AccountAnswer Settle(ChangeResult result, Actor caller, string requestId)
    {
        if (result.EarlierAnswer is { } kept)
        {
            return Answer(kept, caller, requestId, kept.Method, kept.Username);
        }
        sessions.Revoked(result.RevokedSessions);
        return new AccountAnswer(result.Account, "");
    }

    private static string Binding(Actor caller, string requestId, string username) => $"{caller.Principal}\n{requestId}\n{username}";

    private static AuditRecord Audit(DateTimeOffset now, Actor caller, string method, AccountRecord target, string outcome, string detail) =>
        new(now, caller.Principal, caller.Role, caller.Scope, method, target.Principal, outcome, detail);

    private static AuditRecord SignInAudit(DateTimeOffset now, AccountRecord account, string outcome, string detail, string method = SignInMethod) =>
        SignInAudit(now, account.Principal, account.Role, account.Scope, outcome, detail, method);

    private static AuditRecord SignInAudit(DateTimeOffset now, string principal, string role, string scope, string outcome, string detail, string method = SignInMethod) =>
        new(now, principal, role, scope, method, principal, outcome, detail);
}

/// <summary>A successful sign-in.</summary>
public sealed record SignedIn(string AccessToken, DateTimeOffset ExpireTime, AccountRecord Account);

/// <summary>Field-mask paths of an account that UpdateAccount may change.</summary>
public static class AccountFields
{
    /// <summary>Mask path.</summary>
    public const string DisplayName = "display_name", Role = "role", Scope = "scope", Enabled = "enabled", LanguageCode = "language_code";

    /// <summary>Every path a coordinator may change.</summary>
    public static readonly IReadOnlySet<string> Updatable = new HashSet<string> { DisplayName, Role, Scope, Enabled, LanguageCode };

    /// <summary>The paths a person may change on their own account.</summary>
    public static readonly IReadOnlySet<string> OwnUpdatable = new HashSet<string> { DisplayName, LanguageCode };
}
