using System.Text;
using Coordination.DataGen;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Common;
using Coordination.V1;
using Grpc.Core;
using Npgsql;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Coordination.Silo.Tasks.TaskStatus;

namespace Coordination.IntegrationTests;

/// <summary>
/// The scale generator (tests/Coordination.DataGen) on a small run: 200 cases and 600 tasks
/// COPYed into a seeded host's database, then read back through the four RPCs the scale benchmark
/// times, each answer compared with what the generator says it wrote (the factory is a pure function
/// of seed, index and time, so the test rebuilds the same cases). In the clocks lane: it needs a host
/// of its own, not the report fixture the work lane starts for every class in it.
/// </summary>
[Collection(Lanes.Clocks)]
public sealed class DataGenTests : IAsyncLifetime
{
    private const int Cases = 200;
    private const int Seed = 42;
    private const string Ward = "hai-chau-1";
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor ViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, "wards/hai-chau-1");
    private static readonly Actor Auditor = new("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city");
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Police = new("agencies/hai-chau-1-police", "Công an phường Hải Châu I", Actor.AgencySystem, "agencies/hai-chau-1-police");

    private TestDatabase _database = null!;
    private PlatformHost _host = null!;
    private List<GeneratedCase> _generated = null!;
    private DateTimeOffset _now;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _host = await PlatformHost.StartAsync(_database.ConnectionString, seedDemo: true);
        _now = DateTimeOffset.UtcNow;
        await using var db = NpgsqlDataSource.Create(_database.ConnectionString);
        await Generator.RunAsync(db, Cases, Seed, _now, dropIndexes: true, TextWriter.Null);
        var factory = new CaseFactory(Cases, Seed, _now);
        _generated = [.. Enumerable.Range(0, Cases).Select(factory.Build)];
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Generated_rows_answer_the_four_queries_as_generated()
    {
        // The audit trail first, before this test's own reads add rows to it.
        var audit = new AuditService.AuditServiceClient(_host.As(Auditor));
        var traced = _generated.First(g => g.Case.WardId == Ward);
        var trail = new List<AuditEvent>();
        var page = "";
        do
        {
            var response = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Case = "cases/" + traced.Case.Id, PageSize = 10, PageToken = page });
            trail.AddRange(response.Events);
            page = response.NextPageToken;
        }
        while (page.Length > 0);
        Assert.Equal(traced.Audit.Count, trail.Count);
        Assert.Equal(trail.Select(e => e.Id).OrderDescending(), trail.Select(e => e.Id));
        Assert.Equal(
            traced.Audit.Select(a => $"{a.Resource} {a.Method} {a.Principal}").Order(StringComparer.Ordinal),
            trail.Select(e => $"{e.Resource} {e.Method} {e.Principal}").Order(StringComparer.Ordinal));

        // The ward's case list, and name searches with and without diacritics.
        var ward = _generated.Where(g => g.Case.WardId == Ward).ToList();
        Assert.True(ward.Count > 10, $"only {ward.Count} generated cases in the ward");
        var cases = new CaseService.CaseServiceClient(_host.As(Officer));
        Assert.Equal(ward.Select(g => "cases/" + g.Case.Id).Order(StringComparer.Ordinal), (await ListCases(cases, null)).Select(c => c.Name).Order(StringComparer.Ordinal));
        var named = ward[ward.Count / 2].Case.Details.Person.DisplayName;
        var family = named.Split(' ')[0];
        foreach (var search in new[] { named, family + " " + named.Split(' ')[1], SearchText.Fold(named), named.Split(' ')[^1].ToLowerInvariant() })
        {
            var found = await ListCases(cases, search);
            var expected = ward.Where(g => SearchText.Fold(g.Case.Details.Person.DisplayName).Contains(SearchText.Fold(search), StringComparison.Ordinal))
                .Select(g => "cases/" + g.Case.Id).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, found.Select(c => c.Name).Order(StringComparer.Ordinal));
        }
        var exact = (await ListCases(cases, named)).First(c => c.Name == "cases/" + ward[ward.Count / 2].Case.Id);
        Assert.Equal(named, exact.Person.DisplayName);
        Assert.True(exact.Person.DisplayName.IsNormalized(NormalizationForm.FormC));

        // An agency's overdue tasks, soonest due first.
        var overdue = await new TaskService.TaskServiceClient(_host.As(Police)).ListTasksAsync(new ListTasksRequest { Assignee = Police.Scope, Overdue = true, PageSize = 500 });
        var expectedOverdue = _generated.SelectMany(g => g.Tasks)
            .Where(t => t.Spec.AssigneeAgencyId == "hai-chau-1-police" && Silo.Tasks.TaskStateMachine.IsOpen(t.Status) && t.Spec.DueTime < _now)
            .OrderBy(t => t.Spec.DueTime).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => "tasks/" + t.Id).ToList();
        Assert.NotEmpty(expectedOverdue);
        Assert.Equal(expectedOverdue, overdue.Tasks.Select(t => t.Name));

        // The ward summary, counted from the generated records.
        var summary = await new WardService.WardServiceClient(_host.As(ViceChair)).GetWardSummaryAsync(new GetWardSummaryRequest { Name = "wards/" + Ward });
        var open = ward.Where(g => g.Case.Step != Silo.Cases.CaseStep.Closed).ToList();
        Assert.Equal(open.Count, summary.OpenCases);
        Assert.Equal(open.Count(g => g.NextDue < _now), summary.OverdueCases);
        var wardTasks = ward.SelectMany(g => g.Tasks).ToList();
        Assert.Equal(wardTasks.Count(t => Silo.Tasks.TaskStateMachine.IsOpen(t.Status) && t.Spec.DueTime < _now), summary.OverdueTasks);
        Assert.Equal(
            wardTasks.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{ProtoName((Coordination.V1.TaskStatus)(int)g.Key)}={g.Count()}"),
            summary.TasksByStatus.Select(l => $"{l.Label}={l.Count}"));
        Assert.Equal(
            open.GroupBy(g => g.Case.Step).OrderBy(g => g.Key).Select(g => $"{ProtoName((Coordination.V1.CaseStep)(int)g.Key)}={g.Count()}"),
            summary.CasesByStep.Select(l => $"{l.Label}={l.Count}"));
        Assert.Equal(open.Where(g => g.Case.ConferenceFlag?.Flagged == true).Select(g => "cases/" + g.Case.Id).Order(StringComparer.Ordinal), summary.FlaggedCases);

        // No grain state is generated (yet): the case itself is not found.
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await new CaseService.CaseServiceClient(_host.As(Coordinator)).GetCaseAsync(new GetCaseRequest { Name = "cases/" + traced.Case.Id }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        // The trigger keeps the finished tasks' counts (the generator recounted them after the COPY);
        // a task that finishes after the load moves into them, a change between open statuses does not.
        static bool IsFinished(TaskStatus s) => !Coordination.Silo.Tasks.TaskStateMachine.IsOpen(s);
        var finished = $"select coalesce(sum(n), 0)::bigint from rm_ward_task_counts where ward_id = '{Ward}'";
        Assert.Equal(wardTasks.Count(t => IsFinished(t.Status)), await _database.ScalarAsync<long>(finished));
        var done = wardTasks.First(t => t.Status == TaskStatus.InProgress || t.Status == TaskStatus.Accepted);
        await _database.ExecuteAsync($"update rm_tasks set status = 5 where id = '{done.Id}'");
        Assert.Equal(wardTasks.Count(t => IsFinished(t.Status)), await _database.ScalarAsync<long>(finished));
        await _database.ExecuteAsync($"update rm_tasks set status = 7, is_open = false where id = '{done.Id}'");
        Assert.Equal(1 + wardTasks.Count(t => t.Status == TaskStatus.Completed),
            await _database.ScalarAsync<long>($"select n from rm_ward_task_counts where ward_id = '{Ward}' and status = 7"));
        Assert.Equal(1 + wardTasks.Count(t => IsFinished(t.Status)), await _database.ScalarAsync<long>(finished));
    }

    private static async Task<List<Case>> ListCases(CaseService.CaseServiceClient client, string? name)
    {
        var result = new List<Case>();
        var page = "";
        do
        {
            var response = await client.ListCasesAsync(new ListCasesRequest { Ward = "wards/" + Ward, IncludeClosed = true, PersonName = name ?? "", PageSize = 17, PageToken = page });
            result.AddRange(response.Cases);
            page = response.NextPageToken;
        }
        while (page.Length > 0);
        return result;
    }

    private static string ProtoName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();
}
