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
    public sealed record Snapshot(IReadOnlyList<Ward> Wards, IReadOnlyList<Cluster> Clusters, IReadOnlyList<Agency> Agencies, DateTimeOffset Until,
        IReadOnlyList<AgencyService>? Services = null)
    {
        /// <summary>Every agency's service catalogue, by agency resource name (ordered by service id).</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<AgencyService>> ServicesOf { get; } = (Services ?? [])
            .GroupBy(s => s.Name[..s.Name.IndexOf("/services/", StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<AgencyService>)[.. g]);

        /// <summary>The catalogue of <paramref name="agency"/> (empty when it has none).</summary>
        public IReadOnlyList<AgencyService> CatalogueOf(string agency) => ServicesOf.GetValueOrDefault(agency) ?? [];

        /// <summary>A service by its resource name, or null.</summary>
        public AgencyService? Service(string? name) =>
            name is { Length: > 0 } ? (Services ?? []).FirstOrDefault(s => s.Name == name) : null;

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
            var services = await AllAsync(token => platform.Directory.ListAgencyServicesAsync(new ListAgencyServicesRequest { Parent = "agencies/-", PageSize = 500, PageToken = token }).ResponseAsync, r => (r.Services, r.NextPageToken));
            _snapshot = new Snapshot(wards, clusters, agencies, time.GetUtcNow() + KeepFor, services);
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
