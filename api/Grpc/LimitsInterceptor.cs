using System.Collections.Concurrent;
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
}

/// <summary>
/// Limits each credential (token subject) with a token bucket — over the limit is
/// RESOURCE_EXHAUSTED with google.rpc.RetryInfo saying when to retry — and gives unary calls
/// without a client deadline the default one (DEADLINE_EXCEEDED past it).
/// </summary>
public sealed class LimitsInterceptor(IOptions<LimitsOptions> options) : Interceptor
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new();

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
        // A disposable timer, removed as soon as the call ends: thousands of calls a second must not
        // leave thousands of 30-second timers behind.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(options.Value.DefaultDeadline);
        var expired = System.Threading.Tasks.Task.Delay(Timeout.Infinite, deadline.Token);
        var finished = await System.Threading.Tasks.Task.WhenAny(call, expired);
        return finished == call
            ? await call
            : throw new RpcException(new global::Grpc.Core.Status(StatusCode.DeadlineExceeded,
                $"No answer within the default deadline of {options.Value.DefaultDeadline.TotalSeconds:F0} s / quá thời hạn xử lý."));
    }

    /// <inheritdoc/>
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, responseStream, context);
    }

    private void Admit(ServerCallContext context)
    {
        var principal = TokenIssuer.ActorOf(context.GetHttpContext().User)?.Principal;
        if (principal is null)
        {
            return;
        }
        var o = options.Value;
        var bucket = _buckets.GetOrAdd(principal, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.Burst,
            TokensPerPeriod = o.CallsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = bucket.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return;
        }
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        throw Exhausted(retryAfter,
            $"Too many calls for this credential (limit {o.CallsPerSecond}/s); retry after {retryAfter.TotalSeconds:F1} s / quá nhiều yêu cầu, hãy thử lại sau.");
    }

    /// <summary>RESOURCE_EXHAUSTED with google.rpc.RetryInfo (retry after <paramref name="retryAfter"/>) and ErrorInfo RATE_LIMITED.</summary>
    public static RpcException Exhausted(TimeSpan retryAfter, string message) => new Status
    {
        Code = (int)Code.ResourceExhausted,
        Message = message,
        Details =
        {
            Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }),
            Any.Pack(new ErrorInfo { Reason = "RATE_LIMITED", Domain = ErrorInterceptor.Domain }),
        },
    }.ToRpcException();
}
