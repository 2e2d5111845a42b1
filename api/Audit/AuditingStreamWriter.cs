using Coordination.Silo.Common;
using Google.Protobuf;
using Grpc.Core;

namespace Coordination.Api.Audit;

/// <summary>
/// A server stream that records, once each message has been handed to the transport, every case
/// and task it carried (<see cref="AuditedResources"/>). The records join the audit log's queue, so
/// a busy watch costs one batched write a quarter second, not one per event.
/// </summary>
public sealed class AuditingStreamWriter<T>(IServerStreamWriter<T> inner, AuditLog log, TimeProvider time, Actor actor, string method)
    : IServerStreamWriter<T>
{
    /// <summary>Messages written so far.</summary>
    public long Messages { get; private set; }

    /// <inheritdoc/>
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    /// <inheritdoc/>
    public async System.Threading.Tasks.Task WriteAsync(T message)
    {
        await inner.WriteAsync(message);
        await Delivered(message);
    }

    /// <inheritdoc/>
    public async System.Threading.Tasks.Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(message, cancellationToken);
        await Delivered(message);
    }

    private async ValueTask Delivered(T message)
    {
        Messages++;
        var resources = AuditedResources.Of(message as IMessage);
        if (resources.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var resource in resources)
        {
            await log.AppendAsync(new AuditRecord(now, actor.Principal, actor.Role, actor.Scope, method, resource, "OK"));
        }
    }
}
