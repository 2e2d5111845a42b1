using Coordination.Silo.Common;
using Coordination.Silo.ReadModel;

namespace Coordination.Silo.Directory;

/// <inheritdoc cref="IClusterGrain"/>
public sealed class ClusterGrain : Grain, IClusterGrain
{
    private readonly IPersistentState<ClusterState> _state;
    private readonly TimeProvider _time;
    private readonly ReadModelSync _sync;

    /// <summary>Creates the grain.</summary>
    public ClusterGrain(
        [PersistentState(StorageNames.ClusterState, StorageNames.Store)] IPersistentState<ClusterState> state,
        ReadModelStore readModel,
        TimeProvider time)
    {
        _state = state;
        _time = time;
        _sync = new ReadModelSync(() => _state.State.Record is { } r ? readModel.UpsertClusterAsync(r) : Task.CompletedTask);
    }

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _sync.FlushAsync();

    async Task<ClusterRecord> IClusterGrain.Define(ClusterProfile profile)
    {
        await _sync.FlushAsync();
        var current = _state.State.Record;
        if (current is not null && current.Profile.SameAs(profile))
        {
            return current;
        }
        var now = _time.GetUtcNow();
        _state.State.Record = current is null
            ? new ClusterRecord(this.GetPrimaryKeyString(), profile, 1, now, now)
            : current with { Profile = profile, Version = current.Version + 1, UpdateTime = now };
        await _state.SaveAsync(_sync, DeactivateOnIdle);
        return _state.State.Record;
    }

    Task<ClusterRecord?> IClusterGrain.Get() => Task.FromResult(_state.State.Record);
}
