using Coordination.Client;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.UnitTests;

/// <summary>
/// The .NET feed watcher against a feed served in memory: it never stalls on one event — types it
/// does not know are acknowledged without the handler, a refused step is an answer, a transient
/// failure is retried a few times and then given up.
/// </summary>
public sealed class FeedWatcherTests
{
    private const string Agency = "agencies/hai-chau-1-police";

    private static PartnerEvent Event(long seq, PartnerEventType type, string task = "") => new()
    {
        Id = Guid.NewGuid().ToString(), Sequence = seq, Type = type, Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
        Task = task.Length > 0 ? new Coordination.V1.Task { Name = task } : null,
        Conference = type == PartnerEventType.Conference ? "clusters/hai-chau/conferences/2026-Q1" : "",
    };

    // Every type of the contract, a type from a later contract (99), a cancelled and a reassigned task.
    private static readonly PartnerEvent[] Feed =
    [
        Event(1, PartnerEventType.TaskAssigned, "tasks/T-1"),
        Event(2, PartnerEventType.TaskCancelled, "tasks/T-1"),
        Event(3, PartnerEventType.Conference),
        Event(4, (PartnerEventType)99, "tasks/T-2"),
        Event(5, PartnerEventType.TaskAssigned, "tasks/T-2"),
        Event(6, PartnerEventType.TaskCancelled, "tasks/T-2"),
        Event(7, PartnerEventType.CommentAdded, "tasks/T-3"),
        Event(8, PartnerEventType.DueSoon, "tasks/T-3"),
        Event(9, PartnerEventType.Overdue, "tasks/T-3"),
        Event(10, PartnerEventType.Escalated, "tasks/T-3"),
        Event(11, PartnerEventType.TaskUpdated, "tasks/T-3"),
        Event(12, PartnerEventType.TaskAssigned, "tasks/T-4"),
    ];

    [Fact]
    public async Task Unknown_types_are_skipped_refusals_are_answers_and_the_cursor_always_moves_on()
    {
        var feed = new InMemoryFeed(Feed);
        var handled = new List<(long, PartnerEventType)>();
        var refused = new List<long>();
        var watcher = new FeedWatcher(new PartnerService.PartnerServiceClient(feed), Agency)
        {
            OnRefused = (e, _) => refused.Add(e.Sequence),
        };
        var t4Failures = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = watcher.RunAsync((e, _) =>
        {
            handled.Add((e.Sequence, e.Type));
            // The cancelled and the reassigned task: accepting them is refused, as the platform does.
            if (e.Type == PartnerEventType.TaskAssigned && e.Task.Name is "tasks/T-1" or "tasks/T-2")
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "Cannot Accept: its status is Cancelled"));
            }
            // A dropped connection once: the same event is tried again.
            if (e.Task?.Name == "tasks/T-4" && t4Failures++ == 0)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "connection reset"));
            }
            return Task.CompletedTask;
        }, stop.Token, startAfter: 0);

        await feed.AckedUpTo(12, stop.Token);
        await stop.CancelAsync();
        await run;

        Assert.Equal(12, watcher.Cursor);
        Assert.Equal(1, watcher.Ignored);
        Assert.DoesNotContain(handled, h => h.Item2 == (PartnerEventType)99);
        Assert.Equal([1L, 5L], refused);
        Assert.Equal(2, watcher.Refused);
        Assert.Equal(1, watcher.Reconnects);
        // Each event reached the handler once, but for the one that failed in transit.
        Assert.Equal([1L, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 12], handled.Select(h => h.Item1));
        Assert.Equal(feed.Acks.Order(), feed.Acks);
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_given_up_after_a_few_attempts()
    {
        var feed = new InMemoryFeed(Feed[..3]);
        var abandoned = new List<long>();
        var watcher = new FeedWatcher(new PartnerService.PartnerServiceClient(feed), Agency)
        {
            MaxAttemptsPerEvent = 3,
            OnAbandoned = (e, _) => abandoned.Add(e.Sequence),
        };
        var attempts = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = watcher.RunAsync((e, _) =>
        {
            if (e.Sequence == 2)
            {
                attempts++;
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, "slow"));
            }
            return Task.CompletedTask;
        }, stop.Token, startAfter: 0);

        await feed.AckedUpTo(3, stop.Token);
        await stop.CancelAsync();
        await run;

        Assert.Equal(3, attempts);
        Assert.Equal([2L], abandoned);
        Assert.Equal(1, watcher.Abandoned);
        Assert.Equal(3, watcher.Cursor);
    }

    [Fact]
    public void Refusals_are_told_from_transient_failures()
    {
        Assert.True(FeedWatcher.IsRefusal(new RpcException(new Status(StatusCode.FailedPrecondition, ""))));
        Assert.True(FeedWatcher.IsRefusal(new RpcException(new Status(StatusCode.NotFound, ""))));
        Assert.False(FeedWatcher.IsRefusal(new RpcException(new Status(StatusCode.Unavailable, ""))));
        Assert.False(FeedWatcher.IsRefusal(new RpcException(new Status(StatusCode.DeadlineExceeded, ""))));
        Assert.All(System.Enum.GetValues<PartnerEventType>().Where(t => t != PartnerEventType.Unspecified), t => Assert.True(FeedWatcher.IsKnownType(t)));
        Assert.False(FeedWatcher.IsKnownType((PartnerEventType)99));
        Assert.False(FeedWatcher.IsKnownType(PartnerEventType.Unspecified));
    }

    /// <summary>A partner feed in memory: WatchEvents replays after the cursor, then waits; AckEvents records.</summary>
    private sealed class InMemoryFeed(IReadOnlyList<PartnerEvent> events) : CallInvoker
    {
        private readonly object _gate = new();
        private readonly List<long> _acks = [];

        public List<long> Acks { get { lock (_gate) { return [.. _acks]; } } }

        public async Task AckedUpTo(long sequence, CancellationToken ct)
        {
            while (!Acks.Contains(sequence))
            {
                await Task.Delay(20, ct);
            }
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var after = ((WatchEventsRequest)(object)request).AfterSequence;
            var reader = new Replay(events.Where(e => e.Sequence > after).ToList());
            return new AsyncServerStreamingCall<TResponse>((IAsyncStreamReader<TResponse>)(object)reader,
                Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            object response = request switch
            {
                AckEventsRequest ack => Ack(ack.UpToSequence),
                ListEventsRequest => new ListEventsResponse { LastSequence = events.Count, AckedSequence = 0 },
                _ => throw new NotSupportedException(method.FullName),
            };
            return new AsyncUnaryCall<TResponse>(Task.FromResult((TResponse)response), Task.FromResult(new Metadata()),
                () => Status.DefaultSuccess, () => [], () => { });
        }

        private AckEventsResponse Ack(long upTo)
        {
            lock (_gate)
            {
                _acks.Add(upTo);
            }
            return new AckEventsResponse { AckedSequence = upTo };
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException(method.FullName);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException(method.FullName);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException(method.FullName);

        private sealed class Replay(List<PartnerEvent> events) : IAsyncStreamReader<PartnerEvent>
        {
            private int _next = -1;

            public PartnerEvent Current => events[_next];

            public async Task<bool> MoveNext(CancellationToken cancellationToken)
            {
                if (++_next < events.Count)
                {
                    return true;
                }
                // Live: nothing more until the watcher stops.
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return false;
            }
        }
    }
}
