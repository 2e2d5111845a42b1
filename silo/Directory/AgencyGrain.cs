using Coordination.Silo.Common;
using Coordination.Silo.ReadModel;

namespace Coordination.Silo.Directory;

/// <inheritdoc cref="IAgencyGrain"/>
public sealed class AgencyGrain : Grain, IAgencyGrain
{
    private readonly IPersistentState<AgencyState> _state;
    private readonly TimeProvider _time;
    private readonly ReadModelSync _sync;

    /// <summary>Creates the grain.</summary>
    public AgencyGrain(
        [PersistentState(StorageNames.AgencyState, StorageNames.Store)] IPersistentState<AgencyState> state,
        ReadModelStore readModel,
        TimeProvider time)
    {
        _state = state;
        _time = time;
        _sync = new ReadModelSync(() => _state.State.Record is { } r ? readModel.UpsertAgencyAsync(r) : Task.CompletedTask);
    }

    private string ResourceName => "agencies/" + this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _sync.FlushAsync();

    async Task<AgencyRecord> IAgencyGrain.Create(AgencyProfile profile, string requestId)
    {
        await _sync.FlushAsync();
        if (_state.State.Record is { } existing)
        {
            return _state.State.CreateRequestId == requestId
                ? existing
                : throw new AlreadyExistsException(ResourceName);
        }
        await EnsureWardExists(profile.WardId);
        var now = _time.GetUtcNow();
        _state.State.Record = new AgencyRecord(this.GetPrimaryKeyString(), profile, 1, now, now);
        _state.State.CreateRequestId = requestId;
        _state.State.Requests.Remember(requestId, 1);
        return await Save();
    }

    async Task<AgencyRecord> IAgencyGrain.Update(AgencyProfile patch, string[] fields, string? etag, string requestId)
    {
        await _sync.FlushAsync();
        var current = _state.State.Record ?? throw new NotFoundException(ResourceName);
        if (_state.State.Requests.Find(requestId) is not null)
        {
            return current;
        }
        Etags.Check(ResourceName, etag, current.Version);
        var profile = AgencyFields.Apply(current.Profile, patch, fields.ToHashSet());
        if (profile.WardId != current.Profile.WardId)
        {
            await EnsureWardExists(profile.WardId);
        }
        _state.State.Record = current with { Profile = profile, Version = current.Version + 1, UpdateTime = _time.GetUtcNow() };
        _state.State.Requests.Remember(requestId, _state.State.Record.Version);
        return await Save();
    }

    async Task<AgencyRecord> IAgencyGrain.Define(AgencyProfile profile)
    {
        await _sync.FlushAsync();
        var current = _state.State.Record;
        if (current is not null && current.Profile.SameAs(profile))
        {
            return current;
        }
        var now = _time.GetUtcNow();
        _state.State.Record = current is null
            ? new AgencyRecord(this.GetPrimaryKeyString(), profile, 1, now, now)
            : current with { Profile = profile, Version = current.Version + 1, UpdateTime = now };
        return await Save();
    }

    Task<AgencyRecord?> IAgencyGrain.Get() => Task.FromResult(_state.State.Record);

    private async Task<AgencyRecord> Save()
    {
        await _state.SaveAsync(_sync, DeactivateOnIdle);
        return _state.State.Record!;
    }

    private async Task EnsureWardExists(string wardId)
    {
        if (wardId.Length > 0 && await GrainFactory.GetGrain<IWardGrain>(wardId).Get() is null)
        {
            throw new InvalidArgumentException("agency.ward", $"Unknown ward wards/{wardId} / không có phường này.");
        }
    }
}
