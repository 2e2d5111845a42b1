using Coordination.V1;
using Grpc.Core;

namespace Coordination.WebConsole.Platform;

/// <summary>
/// The directory (wards, clusters, agencies) as every signed-in person may read it through the
/// contract, kept for a minute so pages can show names instead of ids without a call per row.
/// </summary>
public sealed class DirectoryCache(PlatformClient platform, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Snapshot? _snapshot;

    /// <summary>The directory at one moment.</summary>
    public sealed record Snapshot(IReadOnlyList<Ward> Wards, IReadOnlyList<Cluster> Clusters, IReadOnlyList<Agency> Agencies, DateTimeOffset Until)
    {
        /// <summary>Ward names by resource name.</summary>
        public IReadOnlyDictionary<string, string> WardNames { get; } = Wards.ToDictionary(w => w.Name, w => w.DisplayName);

        /// <summary>Agency names by resource name.</summary>
        public IReadOnlyDictionary<string, string> AgencyNames { get; } = Agencies.ToDictionary(a => a.Name, a => a.DisplayName);

        /// <summary>Cluster names by resource name.</summary>
        public IReadOnlyDictionary<string, string> ClusterNames { get; } = Clusters.ToDictionary(c => c.Name, c => c.DisplayName);

        /// <summary>An empty directory (the platform could not be reached).</summary>
        public static Snapshot Empty { get; } = new([], [], [], DateTimeOffset.MinValue);
    }

    /// <summary>The directory, fetched again when older than a minute; empty when the platform is away.</summary>
    public async Task<Snapshot> GetAsync()
    {
        if (_snapshot is { } s && s.Until > time.GetUtcNow())
        {
            return s;
        }
        await _lock.WaitAsync();
        try
        {
            if (_snapshot is { } again && again.Until > time.GetUtcNow())
            {
                return again;
            }
            var wards = await AllAsync(token => platform.Directory.ListWardsAsync(new ListWardsRequest { PageSize = 500, PageToken = token }).ResponseAsync, r => (r.Wards, r.NextPageToken));
            var clusters = await AllAsync(token => platform.Directory.ListClustersAsync(new ListClustersRequest { PageSize = 500, PageToken = token }).ResponseAsync, r => (r.Clusters, r.NextPageToken));
            var agencies = await AllAsync(token => platform.Directory.ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500, PageToken = token }).ResponseAsync, r => (r.Agencies, r.NextPageToken));
            _snapshot = new Snapshot(wards, clusters, agencies, time.GetUtcNow() + KeepFor);
            return _snapshot;
        }
        catch (RpcException)
        {
            return _snapshot ?? Snapshot.Empty;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

    /// <summary>Forgets the directory (after a change made through the console).</summary>
    public void Invalidate() => _snapshot = null;

    private static async Task<List<T>> AllAsync<TReply, T>(Func<string, Task<TReply>> page, Func<TReply, (IEnumerable<T> Items, string Next)> read)
    {
        var all = new List<T>();
        var token = "";
        do
        {
            var (items, next) = read(await page(token));
            all.AddRange(items);
            token = next;
        }
        while (token.Length > 0);
        return all;
    }
}
