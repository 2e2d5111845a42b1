using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Grpc.Core;

namespace Coordination.Api.Grpc;

/// <summary>Builds the grain-side call context from a gRPC call: who, which method, which request id.</summary>
public static class CallContexts
{
    /// <summary>The call context of <paramref name="context"/> for a mutation with <paramref name="requestId"/>.</summary>
    public static CallContext For(ServerCallContext context, string requestId) =>
        new(DevelopmentTokens.Caller(context), context.Method.TrimStart('/'), requestId);
}
