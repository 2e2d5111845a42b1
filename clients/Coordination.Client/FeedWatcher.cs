using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Client;

/// <summary>
/// Follows an agency's feed for as long as it is asked to, across dropped connections and platform
/// restarts: it starts after the acknowledged cursor (or a given one), hands each event to the
/// handler once (events are de-duplicated by sequence), acknowledges after the handler returns,
/// and on any failure reconnects from the last handled event with a growing pause.
/// </summary>
public sealed class FeedWatcher(CoordinationClient client, string agency)
{
    /// <summary>Highest sequence handled so far.</summary>
    public long Cursor { get; private set; } = -1;

    /// <summary>How many times the stream was re-opened after a failure.</summary>
    public int Reconnects { get; private set; }

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
                    Cursor = startAfter ?? (await client.Partner.ListEventsAsync(
                        new ListEventsRequest { Agency = agency, AfterSequence = long.MaxValue }, client.Call(ct))).AckedSequence;
                }
                using var watch = client.Partner.WatchEvents(new WatchEventsRequest { Agency = agency, AfterSequence = Cursor }, cancellationToken: ct);
                while (await watch.ResponseStream.MoveNext(ct))
                {
                    var e = watch.ResponseStream.Current;
                    if (e.Sequence <= Cursor)
                    {
                        continue;
                    }
                    await handle(e, ct);
                    Cursor = e.Sequence;
                    await client.Partner.AckEventsAsync(new AckEventsRequest { Agency = agency, UpToSequence = Cursor }, client.Call(ct));
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
}
