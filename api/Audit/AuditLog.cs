using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Api.Audit;

/// <summary>One audited call on one resource; <see cref="Detail"/> says what happened when method and outcome do not.</summary>
public sealed record AuditRecord(DateTimeOffset Time, string Principal, string Role, string Scope, string Method, string Resource, string Outcome, string Detail = "");

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
    public ValueTask AppendAsync(AuditRecord record) => _queue.Writer.WriteAsync(
        IsStorable(record.Principal) && IsStorable(record.Role) && IsStorable(record.Scope) && IsStorable(record.Resource) && IsStorable(record.Detail)
            ? record // the usual case: no copy per audited call
            : record with
            {
                Principal = Storable(record.Principal),
                Role = Storable(record.Role),
                Scope = Storable(record.Scope),
                Resource = Storable(record.Resource),
                Detail = Storable(record.Detail),
            });

    /// <summary>
    /// Writes <paramref name="record"/> inside the caller's transaction, so a change and its audit
    /// row commit together (account changes, sign-ins and locks).
    /// </summary>
    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AuditRecord record)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into audit_events (time, principal, role, scope, method, resource, outcome, detail)
            values (@time, @principal, @role, @scope, @method, @resource, @outcome, @detail)
            """, conn, tx);
        cmd.Parameters.AddWithValue("time", record.Time);
        cmd.Parameters.AddWithValue("principal", Storable(record.Principal));
        cmd.Parameters.AddWithValue("role", Storable(record.Role));
        cmd.Parameters.AddWithValue("scope", Storable(record.Scope));
        cmd.Parameters.AddWithValue("method", record.Method);
        cmd.Parameters.AddWithValue("resource", Storable(record.Resource));
        cmd.Parameters.AddWithValue("outcome", record.Outcome);
        cmd.Parameters.AddWithValue("detail", Storable(record.Detail));
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Rejected calls are audited too, with the resource name as the caller sent it: PostgreSQL text
    /// cannot hold U+0000, and one such row used to fail its whole batch forever (the queue then
    /// filled and every audited call waited). Names are also bounded: a valid one is far shorter.
    /// </summary>
    private static string Storable(string text)
    {
        if (text.Length > MaxTextLength)
        {
            text = string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength), "…");
        }
        return text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
    }

    private static bool IsStorable(string text) => text.Length <= MaxTextLength && !text.Contains('\0', StringComparison.Ordinal);

    private const int MaxTextLength = 300;

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Records waiting to be written: grows when PostgreSQL cannot keep up or is away.
        Coordination.Silo.Common.PlatformMetrics.Meter.CreateObservableGauge("coordination.audit.queue", () => _queue.Reader.Count,
            "{record}", "Audit records accepted and not yet written");
        var batch = new List<AuditRecord>(5000);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // Let a batch gather: one write per quarter second instead of one per call.
            if (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
            }
            while (batch.Count < 5000 && _queue.Reader.TryRead(out var r))
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
        // Binary COPY: the cheapest way to append thousands of rows a second, for client and server.
        await using var conn = await db.OpenConnectionAsync();
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy audit_events (time, principal, role, scope, method, resource, outcome, detail) from stdin (format binary)");
        foreach (var r in batch)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(r.Time, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(r.Principal, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Role, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Scope, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Method, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Resource, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Outcome, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Detail, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit batch of {Count} not written yet ({Reason}); retrying")]
    private static partial void LogRetry(ILogger logger, int count, string reason);
}
