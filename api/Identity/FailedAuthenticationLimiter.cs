using System.Threading.RateLimiting;
using Coordination.Api.Grpc;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Identity;

/// <summary>
/// Limits failed authentications per source address: every request answered 401 (a missing,
/// forged, expired or revoked credential) takes a token from its address's bucket; once the bucket
/// is empty, a failed authentication from that address is answered RESOURCE_EXHAUSTED with
/// google.rpc.RetryInfo (gRPC) or 429 with Retry-After (REST) instead of UNAUTHENTICATED, until the
/// bucket refills — guessing stops being cheap and tells nothing. Valid credentials from the same
/// address (people behind one office NAT or proxy) are neither counted nor refused.
/// </summary>
public sealed class FailedAuthenticationLimiter : IMiddleware, IDisposable
{
    private readonly PartitionedRateLimiter<string> _addresses;
    private readonly TimeSpan _period;

    /// <summary>Creates the limiter from <paramref name="options"/>.</summary>
    public FailedAuthenticationLimiter(IOptions<LimitsOptions> options)
    {
        var o = options.Value;
        var burst = Math.Max(1, o.FailedAuthenticationsPerAddressBurst);
        var perMinute = Math.Max(1, o.FailedAuthenticationsPerAddressPerMinute);
        _period = TimeSpan.FromMinutes(1) / perMinute;
        _addresses = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _period,
            QueueLimit = 0,
            AutoReplenishment = false,
        }), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Response.StatusCode != StatusCodes.Status401Unauthorized)
        {
            return;
        }
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = _addresses.AttemptAcquire(address);
        // A 401 has no body: the answer can still be replaced.
        if (!lease.IsAcquired && !context.Response.HasStarted)
        {
            await Refuse(context, lease, _period);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _addresses.Dispose();

    private static async Task Refuse(HttpContext context, RateLimitLease lease, TimeSpan period)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : period;
        context.Response.Clear();
        const string message = "Too many failed authentications from this address; retry later / quá nhiều lần xác thực thất bại từ địa chỉ này, hãy thử lại sau.";
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A gRPC answer with no messages: status and details in the headers (a trailers-only response).
            var status = LimitsInterceptor.ExhaustedStatus(retryAfter, message);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)global::Grpc.Core.StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
            return;
        }
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsync(message);
    }
}
