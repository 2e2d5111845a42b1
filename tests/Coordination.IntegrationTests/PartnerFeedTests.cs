using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Work)]
public sealed class PartnerFeedTests : IAsyncLifetime
{
    private const string Police = "agencies/hai-chau-1-police";
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Hải Châu I", Actor.AgencySystem, Police);
    private static readonly Actor ViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, "wards/hai-chau-1");

    private TestDatabase _db = null!;
    private PlatformHost _host = null!;
    private string _dataDir = "";

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _dataDir = Directory.CreateTempSubdirectory("coord-feed-").FullName;
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: _dataDir);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    private PartnerService.PartnerServiceClient Feed => new(_host.As(PoliceSystem));

    private Task<Coordination.V1.Task> Assign(string title) => new WardService.WardServiceClient(_host.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
    {
        Ward = "wards/hai-chau-1", Assignee = Police, Title = title, Instructions = "Xác minh tại địa bàn",
        DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2)), RequestId = Guid.NewGuid().ToString(),
    }).ResponseAsync;

    [Fact]
    public async Task The_feed_is_ordered_gap_free_durable_and_resumes_after_a_restart()
    {
        var first = await Assign("Nhiệm vụ 1");
        var second = await Assign("Nhiệm vụ 2");
        var tasks = new TaskService.TaskServiceClient(_host.As(PoliceSystem));
        await tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = first.Name, RequestId = Guid.NewGuid().ToString() });
        var viceChairTasks = new TaskService.TaskServiceClient(_host.As(ViceChair));
        await viceChairTasks.AddTaskCommentAsync(new AddTaskCommentRequest { Name = first.Name, Text = "Báo cáo trước 17h", RequestId = Guid.NewGuid().ToString() });
        await viceChairTasks.CancelTaskAsync(new CancelTaskRequest { Name = second.Name, Reason = "Trùng việc", RequestId = Guid.NewGuid().ToString() });

        // Durable before the calls returned: all four are there at once, numbered 1..4.
        var page = await Feed.ListEventsAsync(new ListEventsRequest { Agency = Police });
        Assert.Equal(
            new[] { PartnerEventType.TaskAssigned, PartnerEventType.TaskAssigned, PartnerEventType.CommentAdded, PartnerEventType.TaskCancelled },
            page.Events.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4], page.Events.Select(e => e.Sequence));
        Assert.Equal(4, page.Events.Select(e => e.Id).Distinct().Count());
        Assert.Equal("Nhiệm vụ 1", page.Events[0].Task.Title);
        Assert.Equal("Trùng việc", page.Events[3].Detail);
        Assert.Equal(4, page.LastSequence);

        var acked = await Feed.AckEventsAsync(new AckEventsRequest { Agency = Police, UpToSequence = 3 });
        Assert.Equal(3, acked.AckedSequence);
        Assert.Equal(3, (await Feed.AckEventsAsync(new AckEventsRequest { Agency = Police, UpToSequence = 1 })).AckedSequence);

        await _host.StopAsync();
        await _host.DisposeAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: _dataDir);

        var resumed = await Feed.ListEventsAsync(new ListEventsRequest { Agency = Police, AfterSequence = 3 });
        Assert.Equal(3, resumed.AckedSequence);
        Assert.Equal(page.Events[3], Assert.Single(resumed.Events));
        await Assign("Nhiệm vụ 3");
        var after = await Feed.ListEventsAsync(new ListEventsRequest { Agency = Police, AfterSequence = 4 });
        Assert.Equal(5, Assert.Single(after.Events).Sequence);
    }

    [Fact]
    public async Task Watch_replays_from_the_cursor_then_pushes_new_events_live()
    {
        var before = await Assign("Trước khi xem");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = Feed.WatchEvents(new WatchEventsRequest { Agency = Police }, cancellationToken: cts.Token);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(before.Name, watch.ResponseStream.Current.Task.Name);

        var live = await Assign("Trong khi xem");
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(live.Name, watch.ResponseStream.Current.Task.Name);
        Assert.Equal(2, watch.ResponseStream.Current.Sequence);
    }

    [Fact]
    public async Task Another_agency_cannot_read_or_acknowledge_the_feed()
    {
        var other = new Actor("agencies/xuan-ha-police", "Công an phường Xuân Hà", Actor.AgencySystem, "agencies/xuan-ha-police");
        var feed = new PartnerService.PartnerServiceClient(_host.As(other));

        await RpcAssert.Fails(StatusCode.PermissionDenied, () => feed.ListEventsAsync(new ListEventsRequest { Agency = Police }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => feed.AckEventsAsync(new AckEventsRequest { Agency = Police, UpToSequence = 1 }).ResponseAsync);
        await RpcAssert.FailsWithFields(() => feed.ListEventsAsync(new ListEventsRequest { Agency = "police", AfterSequence = -1 }).ResponseAsync, "agency", "after_sequence");
    }
}
