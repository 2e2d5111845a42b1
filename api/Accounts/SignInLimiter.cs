using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Accounts;

/// <summary>
/// Limits sign-in attempts per username and per source address (token buckets, this host): enough
/// for a console host that signs a whole office in from one address, too few to guess passwords
/// (the lockout stops guessing one account; the address limit stops trying many).
/// </summary>
public sealed class SignInLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _usernames;
    private readonly PartitionedRateLimiter<string> _addresses;

    /// <summary>Creates the limiter from <paramref name="options"/>.</summary>
    public SignInLimiter(IOptions<AccountOptions> options)
    {
        var o = options.Value;
        _usernames = Buckets(o.SignInsPerUsernameBurst, o.SignInsPerUsernamePerMinute);
        _addresses = Buckets(o.SignInsPerAddressBurst, o.SignInsPerAddressPerMinute);
    }

    /// <summary>Takes one attempt for both; when either is spent, says after how long to retry.</summary>
    public TimeSpan? TryAcquire(string username, string address)
    {
        using var byAddress = _addresses.AttemptAcquire(address);
        if (!byAddress.IsAcquired)
        {
            return RetryAfter(byAddress);
        }
        using var byName = _usernames.AttemptAcquire(username);
        return byName.IsAcquired ? null : RetryAfter(byName);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _usernames.Dispose();
        _addresses.Dispose();
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);

    private static PartitionedRateLimiter<string> Buckets(int burst, int perMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            // One token at a time, spread over the minute, rather than a minute's worth at once.
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / Math.Max(1, perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);
}
