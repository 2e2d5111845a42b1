using Coordination.Silo.Common;

namespace Coordination.Silo.Conferences;

/// <summary>One case conference, keyed <c>{cluster}/{conference}</c> (e.g. <c>hai-chau/2026-q4</c>).</summary>
[Alias("coord.IConferenceGrain")]
public interface IConferenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the regular conference of the quarter if it does not exist yet (the planner calls this
    /// every sweep); an existing one — rescheduled or not — is left as it is.
    /// </summary>
    [Alias("EnsureRegular")]
    Task<ConferenceRecord> EnsureRegular(string title, DateTimeOffset startTime, string location);

    /// <summary>Creates an extraordinary conference. A retry with the same request id returns it as created.</summary>
    [Alias("CreateExtraordinary")]
    Task<ConferenceRecord> CreateExtraordinary(string title, DateTimeOffset startTime, string location, CallContext call);

    /// <summary>Moves the occurrence; refused once held.</summary>
    [Alias("Reschedule")]
    Task<ConferenceRecord> Reschedule(DateTimeOffset startTime, string location, string reason, string? etag, CallContext call);

    /// <summary>Builds (or rebuilds) the agenda now and tells the participants; refused once held.</summary>
    [Alias("Prepare")]
    Task<ConferenceRecord> Prepare(CallContext call);

    /// <summary>
    /// A reminder fell due (from the clustered reminder sweep): at the preparation time the agenda is
    /// built once — only while the conference is still SCHEDULED and that time has come. Returns false
    /// when the reminder no longer applies (already prepared, held, or moved later).
    /// </summary>
    [Alias("Remind")]
    Task<bool> Remind(Reminders.ReminderKind kind, DateTimeOffset dueAt);

    /// <summary>Replaces the attendance list; the conference is then HELD.</summary>
    [Alias("RecordAttendance")]
    Task<ConferenceRecord> RecordAttendance(Attendee[] attendance, string? etag, CallContext call);

    /// <summary>
    /// Records guidance, the Centre's proposal and new decisions for one case of the cluster; each
    /// decision becomes a CONFERENCE_ACTION task. A retry creates no second task.
    /// </summary>
    [Alias("RecordCaseDiscussion")]
    Task<ConferenceRecord> RecordCaseDiscussion(string caseId, Guidance[] guidance, string centreProposal, DecisionSpec[] decisions, CallContext call);

    /// <summary>The conference, or null when it does not exist.</summary>
    [Alias("Get")]
    Task<ConferenceRecord?> Get();
}
