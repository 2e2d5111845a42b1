using Coordination.Api.Database;
using Coordination.IntegrationTests.Infrastructure;
using Npgsql;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Work)]
public sealed class MigrationTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private NpgsqlDataSource _source = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(empty: true);
        _source = NpgsqlDataSource.Create(_db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Applying_twice_changes_nothing()
    {
        var first = await new MigrationRunner(_source).ApplyAsync();
        Assert.Equal(MigrationRunner.Embedded.Select(m => m.Name), first);
        var schemaAfterFirst = await SchemaFingerprint();

        var second = await new MigrationRunner(_source).ApplyAsync();

        Assert.Empty(second);
        Assert.Equal(schemaAfterFirst, await SchemaFingerprint());
        Assert.Equal(MigrationRunner.Embedded.Count, (int)await _db.ScalarAsync<long>("select count(*) from schema_migrations"));
    }

    [Fact]
    public async Task Hosts_starting_at_the_same_moment_apply_each_migration_once()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new MigrationRunner(_source).ApplyAsync())));

        Assert.Equal(MigrationRunner.Embedded.Count, runs.Sum(r => r.Count));
        Assert.Equal(MigrationRunner.Embedded.Count, (int)await _db.ScalarAsync<long>("select count(*) from schema_migrations"));
    }

    [Fact]
    public async Task A_failing_migration_is_named_and_leaves_nothing_behind()
    {
        Migration[] migrations =
        [
            new(1, "0001_good", "create table good (id int)"),
            new(2, "0002_broken", "create table half (id int); select * from no_such_table"),
        ];

        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(_source).ApplyAsync(migrations));

        Assert.Contains("0002_broken", e.Message);
        Assert.Equal(1L, await _db.ScalarAsync<long>("select count(*) from schema_migrations"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("select count(*) from information_schema.tables where table_name = 'half'"));
    }

    [Fact]
    public async Task A_migration_edited_after_it_ran_is_refused()
    {
        await new MigrationRunner(_source).ApplyAsync([new(1, "0001_table", "create table t1 (id int)")]);

        var e = await Assert.ThrowsAsync<MigrationException>(() =>
            new MigrationRunner(_source).ApplyAsync([new(1, "0001_table", "create table t1 (id bigint)")]));

        Assert.Contains("0001_table", e.Message);
    }

    [Fact]
    public async Task Orleans_query_table_holds_every_query_the_providers_need()
    {
        await new MigrationRunner(_source).ApplyAsync();
        string[] required =
        [
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey", "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
        ];
        foreach (var key in required)
        {
            Assert.Equal(1L, await _db.ScalarAsync<long>($"select count(*) from orleansquery where lower(querykey) = lower('{key}')"));
        }
    }

    private async Task<string> SchemaFingerprint()
    {
        await using var cmd = _source.CreateCommand("""
            select string_agg(table_name || '.' || column_name || ':' || data_type, ',' order by table_name, column_name)
            from information_schema.columns where table_schema = 'public'
            """);
        var columns = (string)(await cmd.ExecuteScalarAsync())!;
        await using var q = _source.CreateCommand("select count(*) from orleansquery");
        return columns + "|" + await q.ExecuteScalarAsync();
    }
}
