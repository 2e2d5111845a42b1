namespace Coordination.Silo.Common;

/// <summary>
/// The request ids a grain has already applied, so a retried mutation returns the first result and
/// changes nothing. Bounded: a partner retries within minutes, not after hundreds of other changes.
/// </summary>
[GenerateSerializer, Alias("coord.RecentRequests")]
public sealed class RecentRequests
{
    /// <summary>How many request ids a grain remembers.</summary>
    public const int Capacity = 256;

    /// <summary>Request id → the state version the request produced, oldest first.</summary>
    [Id(0)]
    public List<KeyValuePair<string, long>> Entries { get; set; } = [];

    /// <summary>The version produced by <paramref name="requestId"/>, if it was applied.</summary>
    public long? Find(string requestId)
    {
        foreach (var (id, version) in Entries)
        {
            if (id == requestId)
            {
                return version;
            }
        }
        return null;
    }

    /// <summary>Records that <paramref name="requestId"/> produced <paramref name="version"/>.</summary>
    public void Remember(string requestId, long version)
    {
        Entries.Add(new(requestId, version));
        if (Entries.Count > Capacity)
        {
            Entries.RemoveRange(0, Entries.Count - Capacity);
        }
    }
}
