namespace Coordination.Api.Reports;

/// <summary>
/// A write-only stream that hands what is written to a sink in chunks (a gRPC stream of
/// ExportChunk, or an HTTP response body), so an export is sent while it is being written and never
/// held whole in memory. Synchronous writes (a zip library closing its archive) are kept and sent
/// with the next asynchronous write or at <see cref="CompleteAsync"/>.
/// </summary>
public sealed class ExportStream(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, int chunkSize = 64 * 1024) : Stream
{
    private readonly MemoryStream _pending = new();
    private long _written;

    /// <summary>Bytes handed to the sink so far.</summary>
    public long BytesSent { get; private set; }

    /// <inheritdoc/>
    public override bool CanRead => false;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => true;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        _pending.Write(buffer, offset, count);
        _written += count;
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _pending.Write(buffer.Span);
        _written += buffer.Length;
        if (_pending.Length >= chunkSize)
        {
            await SendAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends whatever is still pending.</summary>
    public Task CompleteAsync(CancellationToken ct) => SendAsync(ct);

    private async Task SendAsync(CancellationToken ct)
    {
        if (_pending.Length == 0)
        {
            return;
        }
        var bytes = _pending.ToArray();
        _pending.SetLength(0);
        await sink(bytes, ct);
        BytesSent += bytes.Length;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }
        base.Dispose(disposing);
    }
}
