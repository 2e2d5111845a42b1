using Coordination.Api.Identity;
using Coordination.Silo.Feed;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>The people's inboxes: a ward office's and the Centre's.</summary>
public sealed class InboxGrpcService(FeedStore feed, IHostApplicationLifetime lifetime) : InboxService.InboxServiceBase
{
    private const string CentreInbox = "centre/inbox";

    /// <inheritdoc/>
    public override async Task<ListInboxEventsResponse> ListInboxEvents(ListInboxEventsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var inbox = Target(v, request.Inbox, "after_sequence", request.AfterSequence);
        if (request.PageSize is < 0 or > RequestValidation.MaxPageSize)
        {
            v.Add("page_size", $"Must be between 0 and {RequestValidation.MaxPageSize} / phải từ 0 đến {RequestValidation.MaxPageSize}.");
        }
        v.ThrowIfAny();
        Authorize(CallContexts.Caller(context), inbox!, acking: false);
        var events = await feed.ListAsync(inbox!, request.AfterSequence, request.PageSize == 0 ? 100 : request.PageSize, context.CancellationToken);
        var (last, acked) = await feed.HeadAsync(inbox!, context.CancellationToken);
        var response = new ListInboxEventsResponse { LastSequence = last, AckedSequence = acked };
        response.Events.AddRange(events.Select(Map));
        return response;
    }

    /// <inheritdoc/>
    public override async Task WatchInboxEvents(WatchInboxEventsRequest request, IServerStreamWriter<InboxEvent> responseStream, ServerCallContext context)
    {
        var v = new RequestValidation();
        var inbox = Target(v, request.Inbox, "after_sequence", request.AfterSequence);
        v.ThrowIfAny();
        Authorize(CallContexts.Caller(context), inbox!, acking: false);
        await FeedStreaming.WatchAsync(feed, inbox!, request.AfterSequence, e => responseStream.WriteAsync(Map(e)), lifetime, context.CancellationToken);
    }

    /// <inheritdoc/>
    public override async Task<AckInboxEventsResponse> AckInboxEvents(AckInboxEventsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var inbox = Target(v, request.Inbox, "up_to_sequence", request.UpToSequence);
        v.ThrowIfAny();
        Authorize(CallContexts.Caller(context), inbox!, acking: true);
        return new AckInboxEventsResponse { AckedSequence = await feed.AckAsync(inbox!, request.UpToSequence, context.CancellationToken) };
    }

    /// <summary>The resource name of a conference id <c>{cluster}/{conference}</c>, or empty.</summary>
    public static string ConferenceName(string conferenceId)
    {
        var slash = conferenceId.IndexOf('/');
        return slash <= 0 ? "" : $"clusters/{conferenceId[..slash]}/conferences/{conferenceId[(slash + 1)..]}";
    }

    /// <summary>Parses <c>wards/{ward}/inbox</c> or <c>centre/inbox</c> into the inbox's feed id.</summary>
    private static string? Target(RequestValidation v, string name, string sequenceField, long sequence)
    {
        if (sequence < 0)
        {
            v.Add(sequenceField, "Must not be negative / không được âm.");
        }
        if (name == CentreInbox)
        {
            return Inboxes.Centre;
        }
        const string suffix = "/inbox";
        if (name.EndsWith(suffix, StringComparison.Ordinal) && v.ResourceId("inbox", name[..^suffix.Length], "wards") is { } ward)
        {
            return Inboxes.Ward(ward);
        }
        if (!v.HasViolation("inbox"))
        {
            v.Add("inbox", "Must be wards/{ward}/inbox or centre/inbox / sai định dạng.");
        }
        return null;
    }

    /// <summary>
    /// A ward's inbox: its vice-chair and officers (coordinators may look, to help). The Centre's:
    /// coordinators and case workers. Only the inbox's own people acknowledge.
    /// </summary>
    private static void Authorize(Actor caller, string inbox, bool acking)
    {
        var own = inbox == Inboxes.Centre
            ? caller.Role is Actor.CentreCoordinator or Actor.CaseWorker
            : Access.WardOf(caller) is { } ward && Inboxes.Ward(ward) == inbox;
        if (!own && (acking || caller.Role != Actor.CentreCoordinator))
        {
            throw Access.Denied();
        }
    }

    private static InboxEvent Map(FeedEvent e)
    {
        var item = e.Item ?? new InboxItem(e.Task?.Id ?? "", e.Task?.Spec.CaseId ?? "", "", "", e.Detail);
        return new InboxEvent
        {
            Id = e.Id.ToString(),
            Sequence = e.Sequence,
            Type = (Coordination.V1.InboxEventType)e.Type,
            Time = Timestamp.FromDateTimeOffset(e.Time),
            Task = item.TaskId.Length > 0 ? "tasks/" + item.TaskId : "",
            Case = item.CaseId.Length > 0 ? "cases/" + item.CaseId : "",
            Conference = ConferenceName(item.ConferenceId),
            Title = item.Title,
            Detail = item.Detail,
        };
    }
}
