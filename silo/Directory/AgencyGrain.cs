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

    async Task<ServiceRecord> IAgencyGrain.CreateService(string serviceId, ServiceProfile profile, string requestId)
    {
        _ = _state.State.Record ?? throw new NotFoundException(ResourceName);
        if (_state.State.Services.TryGetValue(serviceId, out var existing))
        {
            return _state.State.ServiceCreateRequests.GetValueOrDefault(serviceId) == requestId
                ? existing
                : throw new AlreadyExistsException(existing.Name);
        }
        var now = _time.GetUtcNow();
        var created = new ServiceRecord(this.GetPrimaryKeyString(), serviceId, profile, 1, now, now, now);
        _state.State.Services[serviceId] = created;
        _state.State.ServiceCreateRequests[serviceId] = requestId;
        _state.State.Requests.Remember(requestId, _state.State.Record!.Version);
        await Save();
        return created;
    }

    async Task<ServiceRecord> IAgencyGrain.UpdateService(string serviceId, ServiceProfile patch, string[] fields, string? etag, string requestId)
    {
        var current = _state.State.Services.GetValueOrDefault(serviceId)
            ?? throw new NotFoundException($"{ResourceName}/services/{serviceId}");
        if (_state.State.Requests.Find(requestId) is not null)
        {
            return current;
        }
        Etags.Check(current.Name, etag, current.Version);
        var now = _time.GetUtcNow();
        var profile = ServiceFields.Apply(current.Profile, patch, fields.ToHashSet());
        var updated = current with
        {
            Profile = profile,
            Version = current.Version + 1,
            UpdateTime = now,
            CapacityUpdateTime = profile.Capacity != current.Profile.Capacity || profile.CapacityNote != current.Profile.CapacityNote
                ? now : current.CapacityUpdateTime,
        };
        _state.State.Services[serviceId] = updated;
        _state.State.Requests.Remember(requestId, _state.State.Record?.Version ?? 0);
        await Save();
        return updated;
    }

    async Task<ServiceRecord> IAgencyGrain.DefineService(string serviceId, ServiceProfile profile)
    {
        _ = _state.State.Record ?? throw new NotFoundException(ResourceName);
        var current = _state.State.Services.GetValueOrDefault(serviceId);
        if (current is not null && current.Profile == profile)
        {
            return current;
        }
        var now = _time.GetUtcNow();
        var defined = current is null
            ? new ServiceRecord(this.GetPrimaryKeyString(), serviceId, profile, 1, now, now, now)
            : current with { Profile = profile, Version = current.Version + 1, UpdateTime = now, CapacityUpdateTime = now };
        _state.State.Services[serviceId] = defined;
        await Save();
        return defined;
    }

    Task<ServiceRecord?> IAgencyGrain.GetService(string serviceId) =>
        Task.FromResult(_state.State.Services.GetValueOrDefault(serviceId));

    Task<ServiceRecord[]> IAgencyGrain.ListServices() =>
        Task.FromResult(_state.State.Record is null ? [] : _state.State.Services.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray());

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
