using Coordination.LoadGen.Echo;
using Grpc.Core;

namespace Coordination.LoadGen;

/// <summary>The bare echo service.</summary>
public sealed class EchoServer : EchoService.EchoServiceBase
{
    /// <inheritdoc/>
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Payload = request.Payload });
}
