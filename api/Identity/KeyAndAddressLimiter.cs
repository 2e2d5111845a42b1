using System.Threading.RateLimiting;

namespace Coordination.Api.Identity;

/// <summary>
/// Limits attempts per key (a username, a client id) and per source address with token buckets on
/// this host, one token at a time spread over the minute rather than a minute's worth at once. The
/// sign-in and token-exchange limiters are this with their own settings.
/// </summary>
public abstract class KeyAndAddressLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _keys;
    private readonly PartitionedRateLimiter<string> _addresses;

    /// <summary>Creates the two sets of buckets.</summary>
    protected KeyAndAddressLimiter(int keyBurst, int keyPerMinute, int addressBurst, int addressPerMinute)
    {
        _keys = Buckets(keyBurst, keyPerMinute);
        _addresses = Buckets(addressBurst, addressPerMinute);
    }

    /// <summary>Takes one attempt for both; when either is spent, says after how long to retry.</summary>
    public TimeSpan? TryAcquire(string key, string address)
    {
        using var byAddress = _addresses.AttemptAcquire(address);
        if (!byAddress.IsAcquired)
        {
            return RetryAfter(byAddress);
        }
        using var byKey = _keys.AttemptAcquire(key);
        return byKey.IsAcquired ? null : RetryAfter(byKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _keys.Dispose();
        _addresses.Dispose();
        GC.SuppressFinalize(this);
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);

    private static PartitionedRateLimiter<string> Buckets(int burst, int perMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / Math.Max(1, perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);
}
