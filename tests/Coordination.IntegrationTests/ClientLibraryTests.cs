using System.Collections.Concurrent;
using Coordination.Client;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Work)]
public sealed class ClientLibraryTests : IAsyncLifetime
{
    private const string Police = "agencies/man-thai-police";
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Mân Thái", Actor.AgencySystem, Police);
    private static readonly Actor ViceChair = new("users/man-thai-vice-chair", "Bùi Văn Lộc", Actor.WardViceChair, "wards/man-thai");

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_feed_watcher_resumes_across_a_host_restart_with_no_gap_and_no_duplicate()
    {
        var dataDir = Directory.CreateTempSubdirectory("coord-client-").FullName;
        var host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir);
        var (grpcPort, siloPort) = (host.GrpcPort, host.SiloPort);
        var token = host.TokenFor(PoliceSystem, TimeSpan.FromHours(1));
        using var client = new CoordinationClient(new CoordinationClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{grpcPort}"),
            Token = _ => ValueTask.FromResult(token),
        });
        var received = new ConcurrentQueue<PartnerEvent>();
        var watcher = new FeedWatcher(client, Police);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var running = watcher.RunAsync((e, _) =>
        {
            received.Enqueue(e);
            return Task.CompletedTask;
        }, stop.Token);

        async Task Assign(PlatformHost h, int n)
        {
            for (var i = 0; i < n; i++)
            {
                await new WardService.WardServiceClient(h.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
                {
                    Ward = "wards/man-thai", Assignee = Police, Title = $"Việc {i}", Instructions = "i",
                    DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)), RequestId = Guid.NewGuid().ToString(),
                });
            }
        }

        async Task WaitFor(int count)
        {
            for (var i = 0; i < 300 && received.Count < count; i++)
            {
                await Task.Delay(100);
            }
        }

        try
        {
            await Assign(host, 3);
            await WaitFor(3);
            await host.StopAsync();
            await host.DisposeAsync();
            host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir);
            await Assign(host, 2);
            await WaitFor(5);
            // The watcher acknowledges right after handling: give the last ack its moment before stopping.
            for (var i = 0; i < 50 && (await client.Partner.ListEventsAsync(new ListEventsRequest { Agency = Police }, client.Call())).AckedSequence < 5; i++)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await host.DisposeAsync();
        }

        Assert.Equal([1L, 2, 3, 4, 5], received.Select(e => e.Sequence));
        Assert.True(watcher.Reconnects >= 1, "the watcher should have had to reconnect");
        Assert.Equal(5, watcher.Cursor);
        // Progress steps through the library's typed wrappers (one request id per step).
        var task = received.First().Task.Name;
        await using var again = await PlatformHost.StartAsync(_db.ConnectionString, grpcPort: grpcPort, siloPort: siloPort, dataDir: dataDir);
        await client.AcceptAsync(task);
        await client.ReportProgressAsync(task, "Đang xác minh");
        var done = await client.CompleteAsync(task, new OutcomeReport { ActionsTaken = "Xác minh", Result = "Ổn định" });
        Assert.Equal(Coordination.V1.TaskStatus.Completed, done.Status);
        var acked = await client.Partner.ListEventsAsync(new ListEventsRequest { Agency = Police }, client.Call());
        Assert.Equal(5, acked.AckedSequence);
    }
}
