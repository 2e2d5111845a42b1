using Coordination.Api.Identity;
using Coordination.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Audit;

/// <summary>
/// Records every call of the case, task, ward, partner and conference services (reads and changes) in the audit log:
/// one record per resource the call touched — the request's target, or each case or task a list
/// returned — with the caller, role, method and outcome.
/// </summary>
public sealed class AuditInterceptor(AuditLog log, TimeProvider time) : Interceptor
{
    private static readonly string[] Audited =
        ["/coordination.v1.CaseService/", "/coordination.v1.TaskService/", "/coordination.v1.WardService/", "/coordination.v1.PartnerService/",
         "/coordination.v1.ConferenceService/", "/coordination.v1.CounsellingService/",
         // Account reads; account changes and sign-ins are audited by the account manager, with what happened.
         "/coordination.v1.AccountService/GetAccount", "/coordination.v1.AccountService/ListAccounts"];

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!Audited.Any(p => context.Method.StartsWith(p, StringComparison.Ordinal)))
        {
            return await continuation(request, context);
        }
        try
        {
            var response = await continuation(request, context);
            await Record(context, Resources(request as IMessage, response as IMessage), "OK", Detail(request as IMessage));
            return response;
        }
        catch (RpcException e)
        {
            await Record(context, Resources(request as IMessage, null), OutcomeName(e.StatusCode), Detail(request as IMessage));
            throw;
        }
    }

    /// <summary>An emergency override is named in the audit record with its reason (consent was bypassed).</summary>
    private static string Detail(IMessage? request) => request switch
    {
        CreateReferralRequest { EmergencyOverride: true } r => "EMERGENCY_OVERRIDE: " + r.EmergencyOverrideReason,
        SetCaseSharingRequest { EmergencyOverride: true, Shared: true } r => "EMERGENCY_OVERRIDE: " + r.EmergencyOverrideReason,
        _ => "",
    };

    private async Task Record(ServerCallContext context, IEnumerable<string> resources, string outcome, string detail = "")
    {
        var actor = TokenIssuer.ActorOf(context.GetHttpContext().User);
        if (actor is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var resource in resources.DefaultIfEmpty(""))
        {
            await log.AppendAsync(new AuditRecord(now, actor.Principal, actor.Role, actor.Scope, context.Method.TrimStart('/'), resource, outcome, detail));
        }
    }

    private static IEnumerable<string> Resources(IMessage? request, IMessage? response)
    {
        switch (response)
        {
            case Case c:
                return [c.Name];
            case Coordination.V1.Task t:
                return t.Case.Length > 0 ? [t.Name, t.Case] : [t.Name];
            case ListCasesResponse l:
                return l.Cases.Select(c => c.Name);
            case ListTasksResponse l:
                return l.Tasks.Select(t => t.Name);
            // A conference names the cases it reviews: each is recorded with it.
            case Conference c:
                return ConferenceResources(c);
            case ConferenceMinutes m:
                return ConferenceResources(m.Conference);
            case ListConferencesResponse l:
                return l.Conferences.Select(c => c.Name);
            // A duplicate search discloses the cases it names (hidden candidates name none).
            case FindPossibleDuplicatesResponse f when f.Candidates.Any(c => c.Case.Length > 0):
                return f.Candidates.Where(c => c.Case.Length > 0).Select(c => c.Case);
            case CounsellingSession s:
                return s.Case.Length > 0 ? [s.Name, s.Case] : [s.Name];
            case ListCounsellingSessionsResponse l:
                return l.CounsellingSessions.Select(s => s.Name);
            case ListAccountsResponse l:
                return l.Accounts.Select(a => a.Name);
        }
        if (request is null)
        {
            return [];
        }
        // Otherwise the request's target: its resource name, or the case or ward it names.
        foreach (var field in new[] { "name", "case", "ward", "agency" })
        {
            if (request.Descriptor.FindFieldByName(field) is { FieldType: Google.Protobuf.Reflection.FieldType.String } f
                && f.Accessor.GetValue(request) is string { Length: > 0 } value)
            {
                return [value];
            }
        }
        return [];
    }

    private static IEnumerable<string> ConferenceResources(Conference c) =>
        new[] { c.Name }.Concat(c.Agenda.Select(a => a.Case).Concat(c.Discussions.Select(d => d.Case)).Distinct(StringComparer.Ordinal));

    private static string OutcomeName(StatusCode code) => code switch
    {
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
        _ => "INTERNAL",
    };
}
