using Coordination.Api.Database;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.V1;
using Npgsql;
using Orleans.Storage;
using Actor = Coordination.Silo.Common.Actor;
using CaseStep = Coordination.Silo.Cases.CaseStep;
using Person = Coordination.Silo.Cases.Person;
using Reporter = Coordination.Silo.Cases.Reporter;
using Sex = Coordination.Silo.Cases.Sex;
using Task = System.Threading.Tasks.Task;
using TimelineEntry = Coordination.Silo.Cases.TimelineEntry;

namespace Coordination.IntegrationTests;

/// <summary>
/// A case's timeline on real PostgreSQL: kept in its own table, so the case's grain state stays
/// bounded however many entries it gets; listed whole and in order, page by page; and cases stored
/// by earlier versions (their whole timeline in the grain state) moved to the table when they activate.
/// </summary>
[Collection(Lanes.Work)]
public sealed class CaseTimelineTests : IAsyncLifetime
{
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static string Rid() => Guid.NewGuid().ToString();

    [Fact]
    public async Task A_case_with_many_notes_keeps_a_bounded_state_and_lists_every_entry_in_order_page_by_page()
    {
        const int Notes = 150;
        string caseId;
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true))
        {
            var cases = new CaseService.CaseServiceClient(host.As(Officer));
            var opened = await cases.CreateCaseAsync(new CreateCaseRequest
            {
                RequestId = Rid(),
                Case = new Case
                {
                    Ward = "wards/hai-chau-1", Source = V1.IntakeSource.WardSurvey, Categories = { CaseCategory.Neglect },
                    Person = new V1.Person { DisplayName = "Phan Thị Mai", Sex = V1.Sex.Female, ApproximateAgeYears = 8 },
                },
            });
            caseId = opened.Name["cases/".Length..];
            for (var i = 1; i <= Notes; i++)
            {
                await cases.AddCaseNoteAsync(new AddCaseNoteRequest { Name = opened.Name, Text = $"Ghi chú số {i}: đã thăm gia đình.", RequestId = Rid() });
            }

            var listed = await ListAllAsync(cases, opened.Name, pageSize: 40);
            Assert.Equal(Notes + 1, listed.Count);
            Assert.Equal(Enumerable.Range(1, Notes + 1).Select(i => (long)i), listed.Select(e => e.Sequence));
            Assert.Equal("CASE_OPENED", listed[0].Action);
            Assert.Equal(Enumerable.Range(1, Notes).Select(i => $"Ghi chú số {i}: đã thăm gia đình."), listed.Skip(1).Select(e => e.Detail));
            Assert.All(listed.Skip(1), e => Assert.Equal(("NOTE_ADDED", Officer.Principal, "coordination.v1.CaseService/AddCaseNote"), (e.Action, e.Actor.Principal, e.Method)));
            Assert.Equal(listed.OrderBy(e => e.Time).Select(e => e.Sequence), listed.Select(e => e.Sequence));

            // The table holds every entry, the report facts every entry without the notes' text.
            Assert.Equal(Notes + 1L, await _db.ScalarAsync<long>($"select count(*) from case_timeline where case_id = '{caseId}'"));
            Assert.Equal(Notes + 1L, await _db.ScalarAsync<long>($"select count(*) from case_events where case_id = '{caseId}'"));
            Assert.Equal(0L, await _db.ScalarAsync<long>($"select count(*) from case_events where case_id = '{caseId}' and detail <> ''"));
            await host.StopAsync();
        }

        // The stored state keeps the count and at most the last change's entry, not the timeline.
        var stored = await ReadStoredStateAsync(caseId);
        Assert.Equal(Notes + 1L, stored.TimelineLength);
        Assert.True(stored.TimelineTail.Count <= 1, $"{stored.TimelineTail.Count} entries left in the state");
        Assert.Equal(CaseStep.Received, stored.TailStep);

        // After a restart the numbering goes on from the state's count, and the list still has everything.
        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString))
        {
            var cases = new CaseService.CaseServiceClient(host.As(Officer));
            await cases.AddCaseNoteAsync(new AddCaseNoteRequest { Name = "cases/" + caseId, Text = "Sau khi khởi động lại", RequestId = Rid() });
            var listed = await ListAllAsync(cases, "cases/" + caseId, pageSize: 500);
            Assert.Equal(Notes + 2, listed.Count);
            Assert.Equal(("NOTE_ADDED", "Sau khi khởi động lại", (long)Notes + 2), (listed[^1].Action, listed[^1].Detail, listed[^1].Sequence));
        }
    }

    [Fact]
    public async Task A_case_stored_by_an_earlier_version_moves_its_whole_timeline_to_the_table_when_it_activates()
    {
        await using (var source = NpgsqlDataSource.Create(_db.ConnectionString))
        {
            await new MigrationRunner(source).ApplyAsync();
        }
        // Written as the earlier versions wrote it: the whole timeline in the state, no length, and the
        // oldest entries from before issue 11 without the step after them.
        var caseId = "LEGACY-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = DateTimeOffset.UtcNow.AddDays(-20);
        var timeline = new List<TimelineEntry>
        {
            new(1, t0, Officer, "coordination.v1.CaseService/CreateCase", "CASE_OPENED", "Source WardSurvey", ""),
            new(2, t0.AddHours(2), Officer, "coordination.v1.CaseService/RecordInitialAssessment", "INITIAL_ASSESSMENT_RECORDED", "Risk Serious; step Emergency", ""),
        };
        for (var i = 3; i <= 60; i++)
        {
            timeline.Add(new(i, t0.AddHours(2 + i), Officer, "coordination.v1.CaseService/AddCaseNote", "NOTE_ADDED", $"Ghi chú cũ {i}", "", CaseStep.Emergency));
        }
        var details = new CaseDetails(Silo.Cases.IntakeSource.WardSurvey, new Reporter("", "", "", ""),
            new Person("Võ Thị Hoa", Sex.Female, null, 10, "Tổ 3, phường Hải Châu I", ""), [1], "Trẻ bị bỏ mặc", "");
        var record = new CaseRecord(caseId, "hai-chau-1", "hai-chau", details, t0, CaseStep.Emergency, Silo.Cases.RiskLevel.Serious,
            null, null, null, [], null, null, null, null, Officer, 62, t0, timeline[^1].Time);
        var old = new CaseState { Record = record, OpenRequestId = Rid(), TimelineTail = timeline };
        await WithOldStorageAsync(caseId, (storage, grainId) => storage.WriteStateAsync(StorageNames.CaseState, grainId, new GrainState<CaseState>(old)));

        await using (var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true))
        {
            var cases = new CaseService.CaseServiceClient(host.As(Officer));
            var listed = await ListAllAsync(cases, "cases/" + caseId, pageSize: 25);
            Assert.Equal(timeline.Select(e => (e.Sequence, e.Action, e.Detail)), listed.Select(e => (e.Sequence, e.Action, e.Detail)));
            Assert.Equal(60L, await _db.ScalarAsync<long>($"select count(*) from case_timeline where case_id = '{caseId}'"));
            // The report facts replay the steps the oldest entries did not record.
            Assert.Equal("1,3,3", await _db.ScalarAsync<string>(
                $"select string_agg(step::text, ',' order by seq) from case_events where case_id = '{caseId}' and seq <= 3"));
            Assert.Equal(2L, await _db.ScalarAsync<long>($"select count(*) from case_steps where case_id = '{caseId}'"));

            await cases.AddCaseNoteAsync(new AddCaseNoteRequest { Name = "cases/" + caseId, Text = "Ghi chú mới", RequestId = Rid() });
            var after = await ListAllAsync(cases, "cases/" + caseId, pageSize: 500);
            Assert.Equal(61, after.Count);
            Assert.Equal(("Ghi chú mới", 61L), (after[^1].Detail, after[^1].Sequence));
            await host.StopAsync();
        }

        // Moved, then trimmed: the state keeps the count and the latest change's entry only.
        var stored = await ReadStoredStateAsync(caseId);
        Assert.Equal(61L, stored.TimelineLength);
        Assert.Equal([61L], stored.TimelineTail.Select(e => e.Sequence));
        Assert.Equal(CaseStep.Emergency, stored.TailStep);
    }

    private static async Task<List<TimelineEntry>> ListAllAsync(CaseService.CaseServiceClient cases, string name, int pageSize)
    {
        var all = new List<TimelineEntry>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await cases.ListCaseTimelineAsync(new ListCaseTimelineRequest { Name = name, PageSize = pageSize, PageToken = token });
            Assert.True(page.Entries.Count <= pageSize);
            all.AddRange(page.Entries.Select(e => new TimelineEntry(e.Sequence, e.Time.ToDateTimeOffset(),
                new Actor(e.Actor.Principal, e.Actor.DisplayName, "", ""), e.Method, e.Action, e.Detail, e.Resource)));
            token = page.NextPageToken;
            Assert.True(++pages < 100);
        }
        while (token.Length > 0);
        return all;
    }

    private async Task<CaseState> ReadStoredStateAsync(string caseId)
    {
        var state = new GrainState<CaseState>();
        await WithOldStorageAsync(caseId, (storage, grainId) => storage.ReadStateAsync(StorageNames.CaseState, grainId, state));
        return state.State ?? throw new InvalidOperationException("no stored state for cases/" + caseId);
    }

    /// <summary>Orleans' ADO.NET grain storage, configured as the platform configures it, outside the platform's host.</summary>
    private Task WithOldStorageAsync(string caseId, Func<IGrainStorage, GrainId, Task> use) =>
        OldGrainStorage.UseAsync(_db.ConnectionString, grains => grains.GetGrain<ICaseGrain>(caseId).GetGrainId(), use);
}
