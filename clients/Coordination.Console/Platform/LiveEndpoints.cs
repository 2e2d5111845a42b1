using System.Text.Json;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Grpc.Core;

namespace Coordination.WebConsole.Platform;

/// <summary>
/// The live inbox: a server-sent event stream that relays the office inbox (WatchInboxEvents, with
/// the person's own token) to the page while it is open. Pages work without it; the script only
/// adds new events and the count as they come, and the browser reconnects by itself.
/// </summary>
public static class LiveEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps <c>GET /live/inbox</c>.</summary>
    public static IEndpointRouteBuilder MapLiveEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/live/inbox", StreamAsync).RequireAuthorization();
        return app;
    }

    private static async Task StreamAsync(HttpContext http, PlatformClient platform, TimeProvider time)
    {
        var me = Me.Of(http.User);
        if (me?.OfficeInbox is not { } inbox)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        var ct = http.RequestAborted;
        long after;
        long acked;
        try
        {
            var head = await platform.Inbox.ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = inbox, PageSize = 1 }, cancellationToken: ct);
            after = head.LastSequence;
            acked = head.AckedSequence;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        catch (RpcException)
        {
            // The platform is away: ask the browser to try again in a while.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync($"retry: 15000\nevent: hello\ndata: {JsonSerializer.Serialize(new { unseen = after - acked }, Json)}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        using var call = platform.Inbox.WatchInboxEvents(new WatchInboxEventsRequest { Inbox = inbox, AfterSequence = after }, cancellationToken: ct);
        using var heartbeat = new PeriodicTimer(TimeSpan.FromSeconds(20), time);
        var next = call.ResponseStream.MoveNext(ct);
        var beat = heartbeat.WaitForNextTickAsync(ct).AsTask();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var done = await Task.WhenAny(next, beat);
                if (done == beat)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    beat = heartbeat.WaitForNextTickAsync(ct).AsTask();
                    continue;
                }
                if (!await next)
                {
                    break;
                }
                var e = call.ResponseStream.Current;
                var payload = new
                {
                    sequence = e.Sequence,
                    unseen = e.Sequence - acked,
                    type = e.Type.ToString(),
                    title = e.Title,
                    detail = e.Detail,
                    time = Clock.Format(e.Time),
                    @case = Names.Id(e.Case),
                    task = Names.Id(e.Task),
                    conference = e.Conference,
                };
                await http.Response.WriteAsync($"id: {e.Sequence}\nevent: inbox\ndata: {JsonSerializer.Serialize(payload, Json)}\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                next = call.ResponseStream.MoveNext(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
        catch (RpcException)
        {
            // The platform went away: the stream ends and the browser reconnects later.
        }
    }
}
