namespace Coordination.Api.Accounts;

/// <summary>People's accounts: lockout, sign-in limits, sessions and retries (section <c>Accounts</c>).</summary>
public sealed class AccountOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Accounts";

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a lock lasts.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often each host re-reads the revoked sessions (a revoked token is refused everywhere within this plus a query).</summary>
    public TimeSpan RevocationRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the answer to an account change is kept for retries with the same request id (one-time passwords encrypted).</summary>
    public TimeSpan RequestRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Sign-in attempts per username: burst.</summary>
    public int SignInsPerUsernameBurst { get; set; } = 10;

    /// <summary>Sign-in attempts per username: sustained, per minute.</summary>
    public int SignInsPerUsernamePerMinute { get; set; } = 10;

    /// <summary>
    /// Sign-in attempts per source address: burst. A console host signs everyone in from one
    /// address, so 50 people arriving at once must fit.
    /// </summary>
    public int SignInsPerAddressBurst { get; set; } = 100;

    /// <summary>Sign-in attempts per source address: sustained, per minute.</summary>
    public int SignInsPerAddressPerMinute { get; set; } = 120;
}
