using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Grpc.Core;

namespace Coordination.Api.Grpc;

/// <summary>Who is calling and how, from the authenticated call — never from request fields.</summary>
public static class CallContexts
{
    /// <summary>The authenticated caller; UNAUTHENTICATED when the token lacks the platform's claims.</summary>
    public static Actor Caller(ServerCallContext context) =>
        TokenIssuer.ActorOf(context.GetHttpContext().User)
        ?? throw new RpcException(new Status(StatusCode.Unauthenticated,
            "The token does not carry sub, role and scope claims / mã xác thực thiếu thông tin."));

    /// <summary>The call context of <paramref name="context"/> for a mutation with <paramref name="requestId"/>.</summary>
    public static CallContext For(ServerCallContext context, string requestId) =>
        new(Caller(context), context.Method.TrimStart('/'), requestId);
}
