using System.Threading.RateLimiting;
using Coordination.Api.Identity;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Status = Google.Rpc.Status;

namespace Coordination.Api.Grpc;

/// <summary>Per-credential rate limit and the default deadline (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Limits";

    /// <summary>Calls a credential may make per second, sustained.</summary>
    public int CallsPerSecond { get; set; } = 200;

    /// <summary>Burst a credential may make at once.</summary>
    public int Burst { get; set; } = 400;

    /// <summary>Deadline applied to a unary call whose client set none.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Server streams (Watch…) a credential may hold open at once; RESOURCE_EXHAUSTED beyond.</summary>
    public int StreamsPerCredential { get; set; } = 8;

    /// <summary>Failed authentications a source address may make at once before it is slowed down.</summary>
    public int FailedAuthenticationsPerAddressBurst { get; set; } = 30;

    /// <summary>Failed authentications a source address may make per minute, sustained.</summary>
    public int FailedAuthenticationsPerAddressPerMinute { get; set; } = 30;
}

/// <summary>
/// Limits each credential (token subject) with a token bucket — over the limit is
/// RESOURCE_EXHAUSTED with google.rpc.RetryInfo saying when to retry — caps the server streams it
/// holds open, and gives unary calls without a client deadline the default one (DEADLINE_EXCEEDED
/// past it). Both limits are .NET's partitioned rate limiters (System.Threading.RateLimiting), one
/// partition per credential, replenished by the limiter's own timer; a partition idle for a while is
/// dropped, so credentials that stopped calling hold no memory.
/// </summary>
public sealed class LimitsInterceptor : Interceptor, IDisposable
{
    private readonly IOptions<LimitsOptions> _options;
    private readonly PartitionedRateLimiter<string> _calls;
    private readonly PartitionedRateLimiter<string> _streams;

    /// <summary>Creates the limiters from <paramref name="options"/> (read once: changing them needs a restart).</summary>
    public LimitsInterceptor(IOptions<LimitsOptions> options)
    {
        _options = options;
        var o = options.Value;
        _calls = PartitionedRateLimiter.Create<string, string>(principal => RateLimitPartition.GetTokenBucketLimiter(principal, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, o.Burst),
            TokensPerPeriod = Math.Max(1, o.CallsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            // Replenished by the partitioned limiter's one timer, not a timer per credential.
            AutoReplenishment = false,
        }), StringComparer.Ordinal);
        _streams = PartitionedRateLimiter.Create<string, string>(principal => RateLimitPartition.GetConcurrencyLimiter(principal, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, o.StreamsPerCredential),
            QueueLimit = 0,
        }), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        if (context.Deadline != DateTime.MaxValue)
        {
            return await continuation(request, context);
        }
        var call = continuation(request, context);
        if (call.IsCompleted)
        {
            return await call;
        }
        // One timer, removed as soon as the call ends: thousands of calls a second must not leave
        // thousands of 30-second timers behind. The call itself is not cancelled (as before): its
        // answer is just not waited for.
        try
        {
            return await call.WaitAsync(_options.Value.DefaultDeadline, context.CancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The call's own outcome when it has one (it may have ended meanwhile, or thrown these itself).
            if (call.IsCompleted)
            {
                return await call;
            }
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.DeadlineExceeded,
                $"No answer within the default deadline of {_options.Value.DefaultDeadline.TotalSeconds:F0} s / quá thời hạn xử lý."));
        }
    }

    /// <inheritdoc/>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var principal = Admit(context);
        if (principal is null)
        {
            await continuation(request, responseStream, context);
            return;
        }
        // Held for as long as the stream is open.
        using var stream = _streams.AttemptAcquire(principal);
        if (!stream.IsAcquired)
        {
            var limit = _options.Value.StreamsPerCredential;
            throw Exhausted(TimeSpan.FromSeconds(5),
                $"This credential already holds {limit} open streams (the limit); close one first / đã mở quá {limit} luồng theo dõi, hãy đóng bớt.");
        }
        await continuation(request, responseStream, context);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _calls.Dispose();
        _streams.Dispose();
    }

    private string? Admit(ServerCallContext context)
    {
        var principal = CallContexts.ActorOf(context)?.Principal;
        if (principal is null)
        {
            return null;
        }
        using var lease = _calls.AttemptAcquire(principal);
        if (lease.IsAcquired)
        {
            return principal;
        }
        var o = _options.Value;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);
        throw Exhausted(retryAfter,
            $"Too many calls for this credential (limit {o.CallsPerSecond}/s); retry after {retryAfter.TotalSeconds:F1} s / quá nhiều yêu cầu, hãy thử lại sau.");
    }

    /// <summary>RESOURCE_EXHAUSTED with google.rpc.RetryInfo (retry after <paramref name="retryAfter"/>) and ErrorInfo RATE_LIMITED.</summary>
    public static RpcException Exhausted(TimeSpan retryAfter, string message) => ExhaustedStatus(retryAfter, message).ToRpcException();

    /// <summary>The google.rpc.Status of <see cref="Exhausted"/>.</summary>
    public static Status ExhaustedStatus(TimeSpan retryAfter, string message) => new()
    {
        Code = (int)Code.ResourceExhausted,
        Message = message,
        Details =
        {
            Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }),
            Any.Pack(new ErrorInfo { Reason = "RATE_LIMITED", Domain = ErrorInterceptor.Domain }),
        },
    };
}
