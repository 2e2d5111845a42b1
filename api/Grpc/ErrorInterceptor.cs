using Coordination.Silo.Common;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Npgsql;
using Status = Google.Rpc.Status;

namespace Coordination.Api.Grpc;

/// <summary>
/// Maps domain exceptions thrown by grains (and infrastructure failures) to gRPC status codes with
/// <c>google.rpc.Status</c> details: ErrorInfo always, BadRequest for invalid input. Everything else
/// is INTERNAL with no detail, logged by id only.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    /// <summary>Error domain sent in ErrorInfo.</summary>
    public const string Domain = "coordination.v1";

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            RequestValidation.CheckWireValues((IMessage)request);
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    /// <inheritdoc/>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            RequestValidation.CheckWireValues((IMessage)request);
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    private RpcException? Translate(Exception e, ServerCallContext context)
    {
        // The client went away (cancelled, or its deadline passed): nothing failed here, nothing to log.
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return context.Deadline <= DateTime.UtcNow
                ? new RpcException(new global::Grpc.Core.Status(StatusCode.DeadlineExceeded, "The call's deadline passed / đã quá thời hạn của lệnh gọi."))
                : new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled by the client / lệnh gọi đã bị huỷ."));
        }
        return Translate(e, context.Method);
    }

    private RpcException? Translate(Exception e, string method)
    {
        switch (e)
        {
            case RpcException:
                return null;
            case InvalidArgumentException invalid:
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations.Select(v =>
                    new BadRequest.Types.FieldViolation { Field = Bounded(v.Field), Description = Bounded(v.Description) }));
                return Build(Code.InvalidArgument, invalid, Any.Pack(badRequest));
            case NotFoundException notFound:
                return Build(Code.NotFound, notFound);
            case StaleEtagException stale:
                return Build(Code.Aborted, stale);
            case AlreadyExistsException exists:
                return Build(Code.AlreadyExists, exists);
            case PermissionDeniedException denied:
                return Build(Code.PermissionDenied, denied);
            case Accounts.SignInRefusedException refused:
                return Build(Code.Unauthenticated, refused, refused.LockedUntil is { } until
                    ? new Dictionary<string, string> { ["locked_until"] = until.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) }
                    : null);
            case Silo.Intake.PossibleDuplicateException duplicate:
                // PreconditionFailure, so a Java or Node partner reads the candidates with its stock
                // google.rpc classes: type POSSIBLE_DUPLICATE, subject `cases/{id}` or `wards/{id}`.
                var failure = new PreconditionFailure();
                failure.Violations.AddRange(duplicate.Notices.Select(n => new PreconditionFailure.Types.Violation
                {
                    Type = Silo.Intake.PossibleDuplicateException.ReasonCode, Subject = Bounded(n.Subject), Description = Bounded(n.Description),
                }));
                return Build(Code.FailedPrecondition, duplicate, Any.Pack(failure));
            case CoordinationException other:
                return Build(Code.FailedPrecondition, other);
        }
        if (UnavailableReason(e) is { } reason)
        {
            LogUnavailable(logger, method, reason, e.GetType().Name);
            return new Status
            {
                Code = (int)Code.Unavailable,
                Message = reason == DatabaseUnavailable
                    ? "The database is unavailable; retry shortly / cơ sở dữ liệu tạm thời không truy cập được, hãy thử lại."
                    : "A platform node is unavailable; retry shortly / một máy chủ của hệ thống tạm thời không truy cập được, hãy thử lại.",
                Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = Domain }) },
            }.ToRpcException();
        }
        LogInternal(logger, method, e);
        return null;
    }

    private static RpcException Build(Code code, CoordinationException e, params Any[] details) => Build(code, e, null, details);

    private static RpcException Build(Code code, CoordinationException e, IDictionary<string, string>? metadata, params Any[] details)
    {
        var status = new Status { Code = (int)code, Message = Bounded(e.Message) };
        var info = new ErrorInfo { Reason = e.Reason, Domain = Domain };
        if (metadata is not null)
        {
            info.Metadata.Add(metadata);
        }
        status.Details.Add(Any.Pack(info));
        status.Details.AddRange(details);
        return status.ToRpcException();
    }

    /// <summary>
    /// Messages may quote what the caller sent (a name, an id). Unbounded, a 4 MB name would become a
    /// response header larger than clients accept (HTTP/2 header lists are commonly capped at 64 KiB,
    /// and an over-size header makes the client drop the whole connection, other calls included).
    /// </summary>
    internal static string Bounded(string text)
    {
        if (text.Length <= MaxMessageLength)
        {
            return text;
        }
        // Never cut a surrogate pair in half.
        var cut = char.IsHighSurrogate(text[MaxMessageLength - 1]) ? MaxMessageLength - 1 : MaxMessageLength;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private const int MaxMessageLength = 1000;

    private const string DatabaseUnavailable = "DATABASE_UNAVAILABLE";

    private static string? UnavailableReason(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException)
            {
                return DatabaseUnavailable;
            }
            // Outside Npgsql, a timeout is a grain call that got no answer in time (Orleans' response
            // timeout): a node is busy, stuck or gone — retryable, not the database.
            // A silo that died or is being declared dead: calls to its grains fail until the cluster
            // moves them to a survivor (seconds), so the caller should retry — UNAVAILABLE, not INTERNAL.
            if (x is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException)
            {
                return "NODE_UNAVAILABLE";
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed: {Reason} ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string method, string reason, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly")]
    private static partial void LogInternal(ILogger logger, string method, Exception exception);
}
