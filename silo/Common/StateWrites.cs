using Coordination.Silo.ReadModel;

namespace Coordination.Silo.Common;

/// <summary>The one way grains persist a change: state write, then read-model projection.</summary>
public static class StateWrites
{
    /// <summary>
    /// Writes the state. If the write fails, the in-memory state is ahead of storage, so the
    /// activation is dropped (<paramref name="deactivate"/>) and the next call starts from what was
    /// persisted; the failure goes back to the caller. After a successful write the read model is
    /// published; <paramref name="stored"/>, when given, runs just before that, once the state is durable.
    /// </summary>
    public static async Task SaveAsync<T>(this IPersistentState<T> state, ReadModelSync sync, Action deactivate, Action? stored = null)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            deactivate();
            throw;
        }
        stored?.Invoke();
        await sync.PublishAsync();
    }
}
