using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Client;

/// <summary>
/// Follows an agency's feed for as long as it is asked to, across dropped connections and platform
/// restarts: it starts after the acknowledged cursor (or a given one), hands each event to the
/// handler once (events are de-duplicated by sequence), acknowledges after the handler returns,
/// and on a lost connection reconnects from the last handled event with a growing pause.
/// </summary>
/// <remarks>
/// It never stalls on one event. Events of a type this library does not know (the contract adds
/// types over time) are acknowledged without reaching the handler. A step the platform refuses
/// (FAILED_PRECONDITION because the task was already accepted, cancelled or reassigned;
/// NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, ALREADY_EXISTS) is an answer, not a failure:
/// the watcher reports it through <see cref="OnRefused"/> and moves past the event. A handler that
/// keeps failing with a transient error (UNAVAILABLE, a deadline) is retried from the same event
/// at most <see cref="MaxAttemptsPerEvent"/> times, then the event is given up
/// (<see cref="OnAbandoned"/>) and the feed goes on. Any other exception of the handler (a bug) ends
/// <see cref="RunAsync"/>.
/// </remarks>
public sealed class FeedWatcher
{
    private readonly PartnerService.PartnerServiceClient _partner;
    private readonly string _agency;
    private readonly Func<CancellationToken, CallOptions> _call;
    private long _failingSequence = -1;
    private int _failures;

    /// <summary>Watches <paramref name="agency"/>'s feed (<c>agencies/{agency}</c>) through <paramref name="client"/>.</summary>
    public FeedWatcher(CoordinationClient client, string agency)
        : this(client.Partner, agency, ct => client.Call(ct))
    {
    }

    /// <summary>Watches through a generated partner client (any channel or call invoker); <paramref name="call"/> gives each unary call its options.</summary>
    public FeedWatcher(PartnerService.PartnerServiceClient partner, string agency, Func<CancellationToken, CallOptions>? call = null)
    {
        _partner = partner;
        _agency = agency;
        _call = call ?? (ct => new CallOptions(cancellationToken: ct, deadline: DateTime.UtcNow.AddSeconds(15)));
    }

    /// <summary>Highest sequence handled (or passed over) so far.</summary>
    public long Cursor { get; private set; } = -1;

    /// <summary>How many times the stream was re-opened after a failure.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Events whose step the platform refused (handled as answers).</summary>
    public int Refused { get; private set; }

    /// <summary>Events of a type this library does not know, acknowledged without the handler.</summary>
    public int Ignored { get; private set; }

    /// <summary>Events given up after <see cref="MaxAttemptsPerEvent"/> transient failures.</summary>
    public int Abandoned { get; private set; }

    /// <summary>How often one event is tried before it is given up (at least 1).</summary>
    public int MaxAttemptsPerEvent { get; init; } = 5;

    /// <summary>Told of each event whose step the platform refused, with the refusal (log it).</summary>
    public Action<PartnerEvent, RpcException>? OnRefused { get; init; }

    /// <summary>Told of each event given up after repeated transient failures.</summary>
    public Action<PartnerEvent, Exception>? OnAbandoned { get; init; }

    /// <summary>Whether this library knows the event type (the types of the contract it was built with).</summary>
    public static bool IsKnownType(PartnerEventType type) =>
        type != PartnerEventType.Unspecified && Enum.IsDefined(type);

    /// <summary>
    /// Whether a failed call is the platform's answer (the step is refused and repeating it would
    /// be refused again) rather than a failure worth retrying.
    /// </summary>
    public static bool IsRefusal(RpcException e) => e.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound
        or StatusCode.PermissionDenied or StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.OutOfRange;

    /// <summary>Runs until <paramref name="ct"/> is cancelled, then returns normally.</summary>
    public async Task RunAsync(Func<PartnerEvent, CancellationToken, Task> handle, CancellationToken ct, long? startAfter = null)
    {
        var pause = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (Cursor < 0)
                {
                    Cursor = startAfter ?? (await _partner.ListEventsAsync(
                        new ListEventsRequest { Agency = _agency, AfterSequence = long.MaxValue }, _call(ct))).AckedSequence;
                }
                using var watch = _partner.WatchEvents(new WatchEventsRequest { Agency = _agency, AfterSequence = Cursor }, cancellationToken: ct);
                while (await watch.ResponseStream.MoveNext(ct))
                {
                    var e = watch.ResponseStream.Current;
                    if (e.Sequence <= Cursor)
                    {
                        continue;
                    }
                    await HandleOne(e, handle, ct);
                    Cursor = e.Sequence;
                    await _partner.AckEventsAsync(new AckEventsRequest { Agency = _agency, UpToSequence = Cursor }, _call(ct));
                    pause = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is RpcException or OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException)
            {
                Reconnects++;
                await Task.Delay(pause, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task HandleOne(PartnerEvent e, Func<PartnerEvent, CancellationToken, Task> handle, CancellationToken ct)
    {
        if (!IsKnownType(e.Type))
        {
            Ignored++;
            return;
        }
        try
        {
            await handle(e, ct);
        }
        catch (RpcException x) when (IsRefusal(x))
        {
            Refused++;
            OnRefused?.Invoke(e, x);
        }
        catch (Exception x) when (!ct.IsCancellationRequested && x is RpcException or IOException or HttpRequestException)
        {
            _failures = _failingSequence == e.Sequence ? _failures + 1 : 1;
            _failingSequence = e.Sequence;
            if (_failures < Math.Max(1, MaxAttemptsPerEvent))
            {
                throw; // reconnect and try this event again
            }
            Abandoned++;
            OnAbandoned?.Invoke(e, x);
        }
    }
}
