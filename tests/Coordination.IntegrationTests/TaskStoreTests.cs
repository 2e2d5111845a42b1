using Coordination.Api.Database;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Common;
using Coordination.Silo.Feed;
using Coordination.Silo.Tasks;
using Coordination.V1;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;
using Actor = Coordination.Silo.Common.Actor;
using SiloTaskStatus = Coordination.Silo.Tasks.TaskStatus;
using Task = System.Threading.Tasks.Task;
using TaskEvent = Coordination.Silo.Tasks.TaskEvent;

namespace Coordination.IntegrationTests;

/// <summary>
/// The task store on real PostgreSQL: one transaction per change, stale writers refused, bounded
/// state with the history in its own table, and tasks stored by earlier versions (in Orleans'
/// grain storage) still readable and writable.
/// </summary>
[Collection(Lanes.Work)]
public sealed class TaskStoreTests : IAsyncLifetime
{
    private const string Police = "agencies/xuan-ha-police";
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Xuân Hà", Actor.AgencySystem, Police);
    private static readonly Actor ViceChair = new("users/xuan-ha-vice-chair", "Đỗ Minh Tuấn", Actor.WardViceChair, "wards/xuan-ha");

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_task_stored_by_an_earlier_version_keeps_its_history_its_request_ids_and_moves_to_the_task_store()
    {
        await using (var source = NpgsqlDataSource.Create(_db.ConnectionString))
        {
            await new MigrationRunner(source).ApplyAsync();
        }
        // Written exactly as the earlier versions wrote it: Orleans' ADO.NET grain storage, state "task".
        var taskId = "legacy-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = DateTimeOffset.UtcNow.AddHours(-3);
        var acceptRequest = Guid.NewGuid().ToString();
        TaskEvent[] history =
        [
            new(t0, ViceChair, "CREATED", SiloTaskStatus.Requested, "Kiểm tra nhà trẻ", "AssignTask"),
            new(t0.AddHours(1), PoliceSystem, "ACCEPTED", SiloTaskStatus.Accepted, "", "AcceptTask"),
            new(t0.AddHours(2), PoliceSystem, "STARTED", SiloTaskStatus.InProgress, "", "StartTask"),
        ];
        var spec = new TaskSpec(Silo.Tasks.TaskKind.Assignment, "", "xuan-ha", "xuan-ha-police", "Kiểm tra nhà trẻ", "Kiểm tra",
            Silo.Tasks.TaskPriority.Routine, DateTimeOffset.UtcNow.AddDays(3), null, "");
        var old = new TaskState
        {
            Record = new TaskRecord(taskId, spec, SiloTaskStatus.InProgress, ViceChair, null, null, "", false, "", history, 3, t0, t0.AddHours(2)),
            CreateRequestId = Guid.NewGuid().ToString(),
        };
        old.Requests.Remember(acceptRequest, 2);
        await WriteTheOldWayAsync(taskId, old);

        await using var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true);
        var police = new TaskService.TaskServiceClient(host.As(PoliceSystem));
        var name = "tasks/" + taskId;

        var seen = await new TaskService.TaskServiceClient(host.As(ViceChair)).GetTaskAsync(new GetTaskRequest { Name = name });
        Assert.Equal(["CREATED", "ACCEPTED", "STARTED"], seen.History.Select(e => e.Action));
        Assert.Equal(Coordination.V1.TaskStatus.InProgress, seen.Status);
        // Moved on first use, whole history included; the old row is left alone.
        Assert.Equal(1L, await _db.ScalarAsync<long>($"select count(*) from task_states where task_id = '{taskId}'"));
        Assert.Equal(3L, await _db.ScalarAsync<long>($"select count(*) from task_events where task_id = '{taskId}'"));
        // The read-model row, rewritten with the move, still counts the acceptance from the old history.
        Assert.Equal(t0.AddHours(1).ToUnixTimeSeconds(),
            await _db.ScalarAsync<long>($"select floor(extract(epoch from accepted_at))::bigint from rm_tasks where id = '{taskId}'"));

        // A retry of a request the old version applied changes nothing (it would otherwise be an invalid transition).
        var retried = await police.AcceptTaskAsync(new AcceptTaskRequest { Name = name, RequestId = acceptRequest });
        Assert.Equal(seen.Etag, retried.Etag);

        var progressed = await police.ReportProgressAsync(new ReportProgressRequest { Name = name, Note = "Đã đến nơi", RequestId = Guid.NewGuid().ToString() });
        // A change answers with its own entry; GetTask with the whole history.
        Assert.Equal("PROGRESS", Assert.Single(progressed.History).Action);
        var after = await police.GetTaskAsync(new GetTaskRequest { Name = name });
        Assert.Equal(["CREATED", "ACCEPTED", "STARTED", "PROGRESS"], after.History.Select(e => e.Action));
        Assert.Equal("Đã đến nơi", after.History[^1].Text);
        Assert.Equal(4L, await _db.ScalarAsync<long>($"select max(seq) from task_events where task_id = '{taskId}'"));
        Assert.Equal(4L, await _db.ScalarAsync<long>($"select version from rm_tasks where id = '{taskId}'"));
    }

    [Fact]
    public async Task A_change_commits_state_history_feed_and_read_model_together_and_a_stale_writer_writes_nothing()
    {
        await using var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true);
        var assigned = await new WardService.WardServiceClient(host.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/xuan-ha", Assignee = Police, Title = "Thăm gia đình", Instructions = "Thăm và báo cáo",
            DueTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2)), RequestId = Guid.NewGuid().ToString(),
        });
        var taskId = assigned.Name["tasks/".Length..];
        var police = new TaskService.TaskServiceClient(host.As(PoliceSystem));
        await police.AcceptTaskAsync(new AcceptTaskRequest { Name = assigned.Name, RequestId = Guid.NewGuid().ToString() });
        for (var i = 0; i < 20; i++)
        {
            await police.ReportProgressAsync(new ReportProgressRequest { Name = assigned.Name, Note = $"Lần {i}", RequestId = Guid.NewGuid().ToString() });
        }
        Assert.Equal(22, (await police.GetTaskAsync(new GetTaskRequest { Name = assigned.Name })).History.Count);
        // Exactly one assignment event, carrying the assignment only (not a history that grows).
        var feed = await new PartnerService.PartnerServiceClient(host.As(PoliceSystem)).ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 100 });
        var assignment = Assert.Single(feed.Events, e => e.Type == PartnerEventType.TaskAssigned && e.Task.Name == assigned.Name);
        Assert.Equal("CREATED", Assert.Single(assignment.Task.History).Action);

        // The stored state is bounded: the record keeps the latest entry, the store numbers all 22.
        await using var source = NpgsqlDataSource.Create(_db.ConnectionString);
        var store = new TaskStore(source, Serializer());
        var stored = await store.LoadAsync(taskId, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("PROGRESS", Assert.Single(stored.State.Record!.History).Action);
        Assert.Equal(22, stored.State.HistoryLength);
        Assert.Equal(22, (await store.HistoryAsync(taskId, CancellationToken.None)).Length);

        // A writer holding an older etag (a second activation that lost a race) fails, and nothing of its
        // transaction stays: neither its history entry nor its feed event nor its read-model row.
        var stale = stored.State;
        var staleRecord = stale.Record! with { Version = 99, History = [new TaskEvent(DateTimeOffset.UtcNow, PoliceSystem, "COMMENT", SiloTaskStatus.Accepted, "stale", "test")] };
        stale.Record = staleRecord;
        var staleEvent = FeedStore.TaskAppend("xuan-ha-police", $"{taskId}:99:stale", FeedEventType.CommentAdded, DateTimeOffset.UtcNow, staleRecord, "stale");
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            store.WriteAsync(taskId, stored.Etag - 1, stale, 23, staleRecord.History, [staleEvent, Silo.ReadModel.ReadModelStore.TaskUpsert(staleRecord, stale.Milestones)]));
        Assert.Equal(22L, await _db.ScalarAsync<long>($"select count(*) from task_events where task_id = '{taskId}'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"select count(*) from feed_events where event_key = '{taskId}:99:stale'"));
        Assert.Equal(22L, await _db.ScalarAsync<long>($"select version from rm_tasks where id = '{taskId}'"));
        // The grain itself still writes.
        var last = await police.ReportProgressAsync(new ReportProgressRequest { Name = assigned.Name, Note = "Xong", RequestId = Guid.NewGuid().ToString() });
        Assert.Equal(23, (await police.GetTaskAsync(new GetTaskRequest { Name = assigned.Name })).History.Count);
        Assert.Equal("Xong", last.History[^1].Text);
    }

    private static Serializer Serializer() =>
        new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(TaskState).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>Writes a task state through Orleans' ADO.NET grain storage, configured as the platform configured it before the task store.</summary>
    private Task WriteTheOldWayAsync(string taskId, TaskState state) =>
        OldGrainStorage.UseAsync(_db.ConnectionString, grains => grains.GetGrain<ITaskGrain>(taskId).GetGrainId(),
            (storage, grainId) => storage.WriteStateAsync(StorageNames.TaskState, grainId, new GrainState<TaskState>(state)));
}
