namespace Coordination.Silo.Common;

/// <summary>Etags are the grain state's version, quoted as in HTTP, so partners treat them as opaque.</summary>
public static class Etags
{
    /// <summary>The etag of a resource at <paramref name="version"/>.</summary>
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// Throws <see cref="StaleEtagException"/> when the caller sent an etag that is not the current one.
    /// An empty etag means "overwrite whatever is there", as AIP-154 allows.
    /// </summary>
    public static void Check(string resource, string? expected, long currentVersion)
    {
        if (!string.IsNullOrEmpty(expected) && expected != For(currentVersion))
        {
            throw new StaleEtagException(resource, For(currentVersion));
        }
    }
}
