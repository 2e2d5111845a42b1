using Coordination.Silo.Common;

namespace Coordination.Silo.ReadModel;

/// <summary>
/// Keeps one grain's read-model row in step with its state. The state write and the row upsert are
/// two commits, so a crash between them leaves the row behind; the row is therefore re-upserted
/// whenever the grain activates and retried before the next call after a failed upsert. Rows are
/// version-guarded, so an upsert that arrives late never overwrites newer data.
/// </summary>
public sealed class ReadModelSync(Func<Task> upsert)
{
    private bool _dirty = true;

    /// <summary>Upserts the row if it may be behind the state.</summary>
    public async Task FlushAsync()
    {
        if (!_dirty)
        {
            return;
        }
        await upsert();
        _dirty = false;
    }

    /// <summary>Call after a successful state write: marks the row stale and upserts it.</summary>
    public Task PublishAsync()
    {
        FaultInjection.At(FaultInjection.AfterStateWrite);
        _dirty = true;
        return FlushAsync();
    }
}
