using Coordination.Silo.Common;

namespace Coordination.Silo.Conferences;

/// <summary>One case on the agenda.</summary>
[GenerateSerializer, Immutable, Alias("coord.AgendaItem")]
public sealed record AgendaItem(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string WardId,
    [property: Id(2)] AgendaReason[] Reasons,
    [property: Id(3)] string Summary,
    [property: Id(4)] int OverdueTaskCount);

/// <summary>One participant.</summary>
[GenerateSerializer, Immutable, Alias("coord.Attendee")]
public sealed record Attendee(
    [property: Id(0)] string Participant,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Organization,
    [property: Id(3)] string Role,
    [property: Id(4)] bool Present);

/// <summary>Guidance of one department on a case.</summary>
[GenerateSerializer, Immutable, Alias("coord.Guidance")]
public sealed record Guidance(
    [property: Id(0)] string DepartmentAgencyId,
    [property: Id(1)] string Text);

/// <summary>A decision and the task created for it.</summary>
[GenerateSerializer, Immutable, Alias("coord.ConferenceDecision")]
public sealed record Decision(
    [property: Id(0)] string Text,
    [property: Id(1)] string AssigneeAgencyId,
    [property: Id(2)] DateTimeOffset DueTime,
    [property: Id(3)] string TaskId);

/// <summary>What the conference said and decided about one case.</summary>
[GenerateSerializer, Immutable, Alias("coord.CaseDiscussion")]
public sealed record CaseDiscussion(
    [property: Id(0)] string CaseId,
    [property: Id(1)] Guidance[] Guidance,
    [property: Id(2)] string CentreProposal,
    [property: Id(3)] Decision[] Decisions,
    [property: Id(4)] Actor RecordedBy,
    [property: Id(5)] DateTimeOffset RecordTime);

/// <summary>A conference as stored and shown.</summary>
[GenerateSerializer, Immutable, Alias("coord.ConferenceRecord")]
public sealed record ConferenceRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string ClusterId,
    [property: Id(2)] string Quarter,
    [property: Id(3)] ConferenceKind Kind,
    [property: Id(4)] ConferenceStatus Status,
    [property: Id(5)] string Title,
    [property: Id(6)] DateTimeOffset StartTime,
    [property: Id(7)] DateTimeOffset PreparationTime,
    [property: Id(8)] string Location,
    [property: Id(9)] AgendaItem[] Agenda,
    [property: Id(10)] DateTimeOffset? AgendaTime,
    [property: Id(11)] Attendee[] Attendance,
    [property: Id(12)] CaseDiscussion[] Discussions,
    [property: Id(13)] string RescheduleReason,
    [property: Id(14)] Actor CreatedBy,
    [property: Id(15)] long Version,
    [property: Id(16)] DateTimeOffset CreateTime,
    [property: Id(17)] DateTimeOffset UpdateTime)
{
    /// <summary>The grain key and read-model id, <c>{cluster}/{conference}</c>.</summary>
    public string Key => ConferenceKeys.Of(ClusterId, Id);
}

/// <summary>A notification the conference owes its participants (kept until sent; sending is idempotent by key).</summary>
[GenerateSerializer, Immutable, Alias("coord.PendingConferenceNotice")]
public sealed record PendingNotice(
    [property: Id(0)] ConferenceNotice Kind,
    [property: Id(1)] string EventKey,
    [property: Id(2)] DateTimeOffset Time,
    [property: Id(3)] string Detail);

/// <summary>A new decision as the caller states it.</summary>
[GenerateSerializer, Immutable, Alias("coord.DecisionSpec")]
public sealed record DecisionSpec(
    [property: Id(0)] string Text,
    [property: Id(1)] string AssigneeAgencyId,
    [property: Id(2)] DateTimeOffset DueTime);
