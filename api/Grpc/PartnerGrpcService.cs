using Coordination.Api.Identity;
using Coordination.Silo.Feed;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>The partner inbox: list, watch and acknowledge an agency's feed.</summary>
public sealed class PartnerGrpcService(FeedStore feed, TimeProvider time, IHostApplicationLifetime lifetime) : PartnerService.PartnerServiceBase
{
    /// <inheritdoc/>
    public override async Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        var agency = Target(request.Agency, request.AfterSequence, context, acking: false);
        var v = new RequestValidation();
        if (request.PageSize is < 0 or > RequestValidation.MaxPageSize)
        {
            v.Add("page_size", $"Must be between 0 and {RequestValidation.MaxPageSize} / phải từ 0 đến {RequestValidation.MaxPageSize}.");
        }
        v.ThrowIfAny();
        var events = await feed.ListAsync(agency, request.AfterSequence, request.PageSize == 0 ? 100 : request.PageSize, context.CancellationToken);
        var (last, acked) = await feed.HeadAsync(agency, context.CancellationToken);
        var response = new ListEventsResponse { LastSequence = last, AckedSequence = acked };
        response.Events.AddRange(events.Select(Map));
        return response;
    }

    /// <inheritdoc/>
    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<PartnerEvent> responseStream, ServerCallContext context)
    {
        var agency = Target(request.Agency, request.AfterSequence, context, acking: false);
        await FeedStreaming.WatchAsync(feed, agency, request.AfterSequence, e => responseStream.WriteAsync(Map(e)), lifetime, context.CancellationToken);
    }

    /// <inheritdoc/>
    public override async Task<AckEventsResponse> AckEvents(AckEventsRequest request, ServerCallContext context)
    {
        var agency = Target(request.Agency, request.UpToSequence, context, acking: true);
        return new AckEventsResponse { AckedSequence = await feed.AckAsync(agency, request.UpToSequence, context.CancellationToken) };
    }

    /// <summary>Validates the agency and cursor; an agency reads and acknowledges only its own feed.</summary>
    private static string Target(string name, long sequence, ServerCallContext context, bool acking)
    {
        var v = new RequestValidation();
        var agency = v.ResourceId("agency", name, "agencies");
        if (sequence < 0)
        {
            v.Add(acking ? "up_to_sequence" : "after_sequence", "Must not be negative / không được âm.");
        }
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        var own = Access.AgencyOf(caller) == agency;
        // Coordinators may look into any feed to help a partner; only the agency moves its cursor.
        if (!own && (acking || caller.Role != Actor.CentreCoordinator))
        {
            throw Access.Denied();
        }
        return agency!;
    }

    private PartnerEvent Map(FeedEvent e)
    {
        var message = new PartnerEvent
        {
            Id = e.Id.ToString(),
            Sequence = e.Sequence,
            Type = (PartnerEventType)e.Type,
            Time = Timestamp.FromDateTimeOffset(e.Time),
            Task = e.Task?.ToMessage(time.GetUtcNow()),
            Detail = e.Detail,
            // The event holds the task as it was: its last history entry is the review, if one caused it.
            ReviewAction = e.Task?.History is [.., { Action: "OUTCOME_SENT_BACK" }] ? OutcomeReviewAction.SendBack
                : e.Task?.History is [.., { Action: "OUTCOME_REVIEWED" }] ? OutcomeReviewAction.Accept
                : OutcomeReviewAction.Unspecified,
        };
        if (e.Item is { } item)
        {
            // A notice in an agency's feed: only conferences are sent to agencies this way.
            message.Type = PartnerEventType.Conference;
            message.Conference = InboxGrpcService.ConferenceName(item.ConferenceId);
            message.Detail = item.Detail.Length > 0 ? $"{item.Title}\n{item.Detail}" : item.Title;
        }
        return message;
    }
}
