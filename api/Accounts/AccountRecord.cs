namespace Coordination.Api.Accounts;

/// <summary>A person's account as stored (the password hash stays in the store).</summary>
public sealed record AccountRecord(
    string Username,
    string DisplayName,
    string Role,
    string Scope,
    bool Enabled,
    string LanguageCode,
    bool PasswordChangeRequired,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? LastSignInTime,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime,
    long Version)
{
    /// <summary>The principal the account signs in as: <c>users/{username}</c>.</summary>
    public string Principal => "users/" + Username;

    /// <summary>The lockout counter and lock.</summary>
    public LockoutState Lockout => new(FailedSignIns, LockedUntil);
}

/// <summary>What an account change answered, kept for retries with the same request id.</summary>
public sealed record AccountAnswer(AccountRecord? Account, string OneTimePassword);
