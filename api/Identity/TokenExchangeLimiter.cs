using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Identity;

/// <summary>
/// Limits token exchanges (TokenService.CreateToken) per client id and per source address (token
/// buckets, this host), as sign-ins are limited: plenty for a system that refreshes its token every
/// hour, far too few to guess a secret (which a 256-bit secret makes hopeless anyway).
/// </summary>
public sealed class TokenExchangeLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _clients;
    private readonly PartitionedRateLimiter<string> _addresses;

    /// <summary>Creates the limiter from <paramref name="options"/>.</summary>
    public TokenExchangeLimiter(IOptions<SecurityOptions> options)
    {
        var o = options.Value;
        _clients = Buckets(o.TokenRequestsPerClientBurst, o.TokenRequestsPerClientPerMinute);
        _addresses = Buckets(o.TokenRequestsPerAddressBurst, o.TokenRequestsPerAddressPerMinute);
    }

    /// <summary>Takes one attempt for both; when either is spent, says after how long to retry.</summary>
    public TimeSpan? TryAcquire(string clientId, string address)
    {
        using var byAddress = _addresses.AttemptAcquire(address);
        if (!byAddress.IsAcquired)
        {
            return RetryAfter(byAddress);
        }
        using var byClient = _clients.AttemptAcquire(clientId);
        return byClient.IsAcquired ? null : RetryAfter(byClient);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _clients.Dispose();
        _addresses.Dispose();
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
