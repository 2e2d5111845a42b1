using Coordination.Silo.Common;
using Coordination.Silo.ReadModel;

namespace Coordination.Silo.Directory;

/// <inheritdoc cref="IWardGrain"/>
public sealed class WardGrain : Grain, IWardGrain
{
    private readonly IPersistentState<WardState> _state;
    private readonly TimeProvider _time;
    private readonly ReadModelSync _sync;

    /// <summary>Creates the grain.</summary>
    public WardGrain(
        [PersistentState(StorageNames.WardState, StorageNames.Store)] IPersistentState<WardState> state,
        ReadModelStore readModel,
        TimeProvider time)
    {
        _state = state;
        _time = time;
        _sync = new ReadModelSync(() => _state.State.Record is { } r ? readModel.UpsertWardAsync(r) : Task.CompletedTask);
    }

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _sync.FlushAsync();

    async Task<WardRecord> IWardGrain.Define(WardProfile profile)
    {
        await _sync.FlushAsync();
        var current = _state.State.Record;
        if (current is not null && current.Profile.SameAs(profile))
        {
            return current;
        }
        var now = _time.GetUtcNow();
        _state.State.Record = current is null
            ? new WardRecord(this.GetPrimaryKeyString(), profile, 1, now, now)
            : current with { Profile = profile, Version = current.Version + 1, UpdateTime = now };
        await _state.SaveAsync(_sync, DeactivateOnIdle);
        return _state.State.Record;
    }

    Task<WardRecord?> IWardGrain.Get() => Task.FromResult(_state.State.Record);
}
