using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Api.Audit;

/// <summary>One audited call on one resource.</summary>
public sealed record AuditRecord(DateTimeOffset Time, string Principal, string Role, string Scope, string Method, string Resource, string Outcome);

/// <summary>
/// Writes audit records to the append-only <c>audit_events</c> table in batches, off the request
/// path: a call never waits for its audit row, and a burst of reads costs one insert per batch.
/// Pending records are flushed when the host stops; a host killed outright can lose the last
/// fraction of a second of read records (changes are also in the case and task histories).
/// </summary>
public sealed partial class AuditLog(NpgsqlDataSource db, ILogger<AuditLog> logger) : BackgroundService
{
    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Queues a record.</summary>
    public ValueTask AppendAsync(AuditRecord record) => _queue.Writer.WriteAsync(record);

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditRecord>(1000);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < 1000 && _queue.Reader.TryRead(out var r))
            {
                batch.Add(r);
            }
            try
            {
                await WriteAsync(batch);
                batch.Clear();
            }
            catch (NpgsqlException e)
            {
                // Keep the batch and try again: the database may be briefly away.
                LogRetry(logger, batch.Count, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task WriteAsync(List<AuditRecord> batch)
    {
        await using var cmd = db.CreateCommand("""
            insert into audit_events (time, principal, role, scope, method, resource, outcome)
            select * from unnest(@time, @principal, @role, @scope, @method, @resource, @outcome)
            """);
        cmd.Parameters.Add(new NpgsqlParameter("time", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(b => b.Time).ToArray() });
        Add(cmd, "principal", batch.Select(b => b.Principal));
        Add(cmd, "role", batch.Select(b => b.Role));
        Add(cmd, "scope", batch.Select(b => b.Scope));
        Add(cmd, "method", batch.Select(b => b.Method));
        Add(cmd, "resource", batch.Select(b => b.Resource));
        Add(cmd, "outcome", batch.Select(b => b.Outcome));
        await cmd.ExecuteNonQueryAsync();
    }

    private static void Add(NpgsqlCommand cmd, string name, IEnumerable<string> values) =>
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit batch of {Count} not written yet ({Reason}); retrying")]
    private static partial void LogRetry(ILogger logger, int count, string reason);
}
