using System.Collections.Concurrent;
using Coordination.Api.Grpc;
using Coordination.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Audit;

/// <summary>
/// Records the calls of the platform contract in the audit log: one record per resource a call
/// disclosed — each case and task its answer (or each message of its stream) carries, see
/// <see cref="AuditedResources"/> — or else the request's target, with the caller, role, method and
/// outcome. A call that fails is recorded with its outcome whatever it threw (a status, an
/// unexpected exception, a cancellation), and a stream that ends with an error once more at its end.
/// Records are queued to <see cref="AuditLog"/>, which writes them in batches.
/// </summary>
public sealed class AuditInterceptor(AuditLog log, TimeProvider time) : Interceptor
{
    /// <summary>How a method is audited here.</summary>
    public enum Coverage
    {
        /// <summary>Not here: no case or task content (directory, calendar), or audited where it happens (account changes, sign-ins).</summary>
        None,

        /// <summary>Every disclosure and every failure.</summary>
        Full,

        /// <summary>Failures only: the service records what it discloses itself (reports and exports: the filter, row count and each case).</summary>
        FailuresOnly,
    }

    private const string Package = "/coordination.v1.";

    /// <summary>
    /// Contract methods audited elsewhere or carrying no case or task content. Every other method of
    /// the contract is audited in full, so a new service is audited before anyone thinks of it.
    /// </summary>
    private static readonly string[] NotHere =
    [
        Package + "DirectoryService/", Package + "CalendarService/",
        // Account changes and sign-ins are audited by the account manager, in their transaction, with what happened.
        Package + "AccountService/SignIn", Package + "AccountService/SignOut", Package + "AccountService/CreateAccount",
        Package + "AccountService/UpdateAccount", Package + "AccountService/ResetPassword", Package + "AccountService/ChangePassword",
    ];

    private static readonly ConcurrentDictionary<string, (Coverage Coverage, string Name)> Methods = new(StringComparer.Ordinal);

    /// <summary>How <paramref name="method"/> (<c>/coordination.v1.CaseService/GetCase</c>) is audited; worked out once per method.</summary>
    public static Coverage CoverageOf(string method) => MethodOf(method).Coverage;

    // The coverage, and the name the audit records (without the leading slash), once per method.
    private static (Coverage Coverage, string Name) MethodOf(string method) => Methods.GetOrAdd(method, static m =>
        (!m.StartsWith(Package, StringComparison.Ordinal) || NotHere.Any(p => m.StartsWith(p, StringComparison.Ordinal)) ? Coverage.None
        : m.StartsWith(Package + "ReportService/", StringComparison.Ordinal) ? Coverage.FailuresOnly
        : Coverage.Full, m.TrimStart('/')));

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var coverage = CoverageOf(context.Method);
        if (coverage == Coverage.None)
        {
            return await continuation(request, context);
        }
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception e)
        {
            await Record(context, [AuditedResources.TargetOf(request as IMessage)], OutcomeOf(e, context), Detail(request as IMessage));
            throw;
        }
        if (coverage == Coverage.Full)
        {
            // What the answer carries, and the case or task the request named (a timeline is that case's entries).
            var disclosed = AuditedResources.Of(response as IMessage);
            var target = AuditedResources.TargetOf(request as IMessage);
            IReadOnlyList<string> resources = disclosed.Count == 0 ? [target]
                : AuditedResources.IsCaseOrTask(target) && !disclosed.Contains(target) ? [target, .. disclosed]
                : disclosed;
            await Record(context, resources, "OK", Detail(request as IMessage));
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var coverage = CoverageOf(context.Method);
        var actor = coverage == Coverage.None ? null : CallContexts.ActorOf(context);
        if (actor is null)
        {
            await continuation(request, responseStream, context);
            return;
        }
        var method = MethodOf(context.Method).Name;
        var writer = coverage == Coverage.Full ? new AuditingStreamWriter<TResponse>(responseStream, log, time, actor, method) : null;
        try
        {
            await continuation(request, writer ?? responseStream, context);
        }
        catch (Exception e)
        {
            // A stream that failed: one record with its status and how much it had delivered.
            await log.AppendAsync(new AuditRecord(time.GetUtcNow(), actor.Principal, actor.Role, actor.Scope, method,
                AuditedResources.TargetOf(request as IMessage), OutcomeOf(e, context), writer is null ? "" : $"after {writer.Messages} messages"));
            throw;
        }
        if (writer is not null)
        {
            // How the stream ended: a watch the client cancels returns normally on this side.
            await log.AppendAsync(new AuditRecord(time.GetUtcNow(), actor.Principal, actor.Role, actor.Scope, method,
                AuditedResources.TargetOf(request as IMessage), context.CancellationToken.IsCancellationRequested ? "CANCELLED" : "OK",
                $"after {writer.Messages} messages"));
        }
    }

    /// <summary>An emergency override is named in the audit record with its reason (consent was bypassed).</summary>
    private static string Detail(IMessage? request) => request switch
    {
        CreateReferralRequest { EmergencyOverride: true } r => "EMERGENCY_OVERRIDE: " + r.EmergencyOverrideReason,
        SetCaseSharingRequest { EmergencyOverride: true, Shared: true } r => "EMERGENCY_OVERRIDE: " + r.EmergencyOverrideReason,
        _ => "",
    };

    private async Task Record(ServerCallContext context, IReadOnlyList<string> resources, string outcome, string detail)
    {
        var actor = CallContexts.ActorOf(context);
        if (actor is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        var method = MethodOf(context.Method).Name;
        foreach (var resource in resources)
        {
            await log.AppendAsync(new AuditRecord(now, actor.Principal, actor.Role, actor.Scope, method, resource, outcome, detail));
        }
    }

    /// <summary>
    /// The status the caller gets: the RpcException's (ErrorInterceptor has already turned domain and
    /// infrastructure failures into one), CANCELLED or DEADLINE_EXCEEDED for a call the client
    /// abandoned, and UNKNOWN — what grpc-dotnet answers — for anything else a handler let escape.
    /// </summary>
    public static string OutcomeOf(Exception e, ServerCallContext context) => e switch
    {
        RpcException rpc => OutcomeName(rpc.StatusCode),
        _ when context.CancellationToken.IsCancellationRequested && context.Deadline <= DateTime.UtcNow => "DEADLINE_EXCEEDED",
        OperationCanceledException or IOException when context.CancellationToken.IsCancellationRequested => "CANCELLED",
        _ => "UNKNOWN",
    };

    private static string OutcomeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unknown => "UNKNOWN",
        _ => "INTERNAL",
    };
}
