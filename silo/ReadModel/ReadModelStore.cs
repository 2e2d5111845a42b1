using System.Text.Json;
using Coordination.Silo.Directory;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.ReadModel;

/// <summary>
/// Writes and reads the read-model tables: one row per resource, holding the filter columns and the
/// whole record as JSON. Grains write (after their state write); list queries read, so listing never
/// activates grains.
/// </summary>
public sealed class ReadModelStore(NpgsqlDataSource db)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>Upserts a ward row unless a newer version is already there.</summary>
    public Task UpsertWardAsync(WardRecord r) => ExecuteAsync(
        """
        insert into rm_wards as t (id, version, cluster_id, doc, updated_at)
        values (@id, @version, @a, @doc, now())
        on conflict (id) do update set version = excluded.version, cluster_id = excluded.cluster_id,
            doc = excluded.doc, updated_at = now()
        where t.version < excluded.version
        """,
        r.Id, r.Version, r.Profile.ClusterId, null, JsonSerializer.Serialize(r, Json));

    /// <summary>Upserts a cluster row unless a newer version is already there.</summary>
    public Task UpsertClusterAsync(ClusterRecord r) => ExecuteAsync(
        """
        insert into rm_clusters as t (id, version, doc, updated_at)
        values (@id, @version, @doc, now())
        on conflict (id) do update set version = excluded.version, doc = excluded.doc, updated_at = now()
        where t.version < excluded.version
        """,
        r.Id, r.Version, null, null, JsonSerializer.Serialize(r, Json));

    /// <summary>Upserts an agency row unless a newer version is already there.</summary>
    public Task UpsertAgencyAsync(AgencyRecord r) => ExecuteAsync(
        """
        insert into rm_agencies as t (id, version, ward_id, kind, doc, updated_at)
        values (@id, @version, @a, @b, @doc, now())
        on conflict (id) do update set version = excluded.version, ward_id = excluded.ward_id,
            kind = excluded.kind, doc = excluded.doc, updated_at = now()
        where t.version < excluded.version
        """,
        r.Id, r.Version, r.Profile.WardId, (int)r.Profile.Kind, JsonSerializer.Serialize(r, Json));

    /// <summary>Wards ordered by id, after <paramref name="afterId"/>, optionally of one cluster.</summary>
    public Task<IReadOnlyList<WardRecord>> ListWardsAsync(string? clusterId, string afterId, int limit, CancellationToken ct) =>
        QueryAsync<WardRecord>(
            "select doc from rm_wards where id > @after and (@a::text is null or cluster_id = @a) order by id limit @limit",
            afterId, limit, clusterId, null, ct);

    /// <summary>Clusters ordered by id, after <paramref name="afterId"/>.</summary>
    public Task<IReadOnlyList<ClusterRecord>> ListClustersAsync(string afterId, int limit, CancellationToken ct) =>
        QueryAsync<ClusterRecord>(
            "select doc from rm_clusters where id > @after order by id limit @limit",
            afterId, limit, null, null, ct);

    /// <summary>Agencies ordered by id, after <paramref name="afterId"/>, optionally filtered.</summary>
    public Task<IReadOnlyList<AgencyRecord>> ListAgenciesAsync(string? wardId, AgencyKind? kind, string afterId, int limit, CancellationToken ct) =>
        QueryAsync<AgencyRecord>(
            """
            select doc from rm_agencies
            where id > @after and (@a::text is null or ward_id = @a) and (@b::int is null or kind = @b)
            order by id limit @limit
            """,
            afterId, limit, wardId, kind is null ? null : (int)kind, ct);

    private async Task ExecuteAsync(string sql, string id, long version, object? a, object? b, string doc)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("version", version);
        cmd.Parameters.Add(new NpgsqlParameter("a", a ?? DBNull.Value));
        cmd.Parameters.Add(new NpgsqlParameter("b", b ?? DBNull.Value));
        cmd.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = doc });
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, string afterId, int limit, string? a, int? b, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("after", afterId);
        cmd.Parameters.AddWithValue("limit", limit);
        cmd.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Text) { Value = (object?)a ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("b", NpgsqlDbType.Integer) { Value = (object?)b ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)
                ?? throw new InvalidOperationException("Read-model row holds no document."));
        }
        return result;
    }
}
