using System.Security.Claims;
using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Grpc.Core;

namespace Coordination.Api.Grpc;

/// <summary>Who is calling and how, from the authenticated call — never from request fields.</summary>
public static class CallContexts
{
    /// <summary>The authenticated caller; UNAUTHENTICATED when the token lacks the platform's claims.</summary>
    public static Actor Caller(ServerCallContext context) =>
        ActorOf(context)
        ?? throw new RpcException(new Status(StatusCode.Unauthenticated,
            "The token does not carry sub, role and scope claims / mã xác thực thiếu thông tin."));

    /// <summary>
    /// The actor the call's principal stands for, or null when a claim is missing. Worked out once
    /// per call and kept with it: the limits, the audit and the service all ask, and each answer
    /// from the claims costs four claim searches and their allocations.
    /// </summary>
    public static Actor? ActorOf(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var user = http.User;
        if (http.Features.Get<CallerFeature>() is { } kept && ReferenceEquals(kept.User, user))
        {
            return kept.Actor;
        }
        var actor = TokenIssuer.ActorOf(user);
        // Kept for this principal only: a later change of the call's principal is worked out again.
        http.Features.Set(new CallerFeature(user, actor));
        return actor;
    }

    /// <summary>The call context of <paramref name="context"/> for a mutation with <paramref name="requestId"/>.</summary>
    public static CallContext For(ServerCallContext context, string requestId) =>
        new(Caller(context), context.Method.TrimStart('/'), requestId);

    private sealed record CallerFeature(ClaimsPrincipal User, Actor? Actor);
}
