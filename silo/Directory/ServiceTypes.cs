using Coordination.Silo.Calendar;
using Coordination.Silo.Common;

namespace Coordination.Silo.Directory;

/// <summary>Kinds of catalogue services. Numbers are stored and match the contract: never renumber.</summary>
public enum ServiceKind
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Emergency intervention, protection.</summary>
    EmergencyProtection = 1,
    /// <summary>Verification, investigation.</summary>
    Investigation = 2,
    /// <summary>Health examination and care.</summary>
    HealthCare = 3,
    /// <summary>Counselling.</summary>
    Counselling = 4,
    /// <summary>Psychological therapy, behavioural intervention.</summary>
    PsychologicalTherapy = 5,
    /// <summary>Legal aid and advice.</summary>
    LegalAid = 6,
    /// <summary>Alternative care.</summary>
    AlternativeCare = 7,
    /// <summary>Education support.</summary>
    EducationSupport = 8,
    /// <summary>Social assistance.</summary>
    SocialAssistance = 9,
    /// <summary>Anything else.</summary>
    Other = 10,
}

/// <summary>Whether a service takes new people. Numbers are stored and match the contract.</summary>
public enum ServiceCapacity
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Takes new people within its response time.</summary>
    Open = 1,
    /// <summary>Takes new people onto a waiting list.</summary>
    Waitlist = 2,
    /// <summary>Takes nobody new: referrals are refused.</summary>
    Closed = 3,
}

/// <summary>Units of a response time. Numbers are stored and match the contract.</summary>
public enum ResponseTimeUnit
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Clock hours, round the clock.</summary>
    Hours = 1,
    /// <summary>Working days on the platform's calendar.</summary>
    WorkingDays = 2,
}

/// <summary>How soon an agency answers, e.g. 12 hours or 5 working days.</summary>
[GenerateSerializer, Alias("coord.ResponseTime")]
public sealed record ResponseTime(
    [property: Id(0)] int Value,
    [property: Id(1)] ResponseTimeUnit Unit)
{
    /// <summary>Largest response time in hours (three days: beyond that, say it in working days).</summary>
    public const int MaxHours = 72;

    /// <summary>Largest response time in working days (about three months).</summary>
    public const int MaxWorkingDays = 60;

    /// <summary>Whether the value is within the unit's range.</summary>
    public bool IsValid => Unit switch
    {
        ResponseTimeUnit.Hours => Value is >= 1 and <= MaxHours,
        ResponseTimeUnit.WorkingDays => Value is >= 1 and <= MaxWorkingDays,
        _ => false,
    };

    /// <summary>
    /// The due time of a task made at <paramref name="start"/> for a service with this response time:
    /// hours count round the clock (an emergency does not wait for Monday); working days count on
    /// <paramref name="calendar"/>, keeping the local time of day.
    /// </summary>
    public DateTimeOffset DueFrom(DateTimeOffset start, WorkingCalendar calendar) => Unit switch
    {
        ResponseTimeUnit.Hours => start.AddHours(Value),
        ResponseTimeUnit.WorkingDays => calendar.AddWorkingDays(start, Value),
        _ => throw new InvalidOperationException("A response time needs a unit."),
    };
}

/// <summary>What a catalogue service is: set by a coordinator (capacity also by the agency itself).</summary>
[GenerateSerializer, Alias("coord.ServiceProfile")]
public sealed record ServiceProfile(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] ServiceKind Kind,
    [property: Id(2)] string Description,
    [property: Id(3)] string EligibilityNote,
    [property: Id(4)] ResponseTime ResponseTime,
    [property: Id(5)] ServiceCapacity Capacity,
    [property: Id(6)] string CapacityNote);

/// <summary>A service of an agency's catalogue as stored and shown.</summary>
[GenerateSerializer, Immutable, Alias("coord.ServiceRecord")]
public sealed record ServiceRecord(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string Id,
    [property: Id(2)] ServiceProfile Profile,
    [property: Id(3)] long Version,
    [property: Id(4)] DateTimeOffset CreateTime,
    [property: Id(5)] DateTimeOffset UpdateTime,
    [property: Id(6)] DateTimeOffset CapacityUpdateTime)
{
    /// <summary>The contract's resource name, <c>agencies/{agency}/services/{service}</c>.</summary>
    public string Name => $"agencies/{AgencyId}/services/{Id}";
}

/// <summary>Fields of a service that UpdateAgencyService may change, by their contract names.</summary>
public static class ServiceFields
{
    /// <summary>display_name</summary>
    public const string DisplayName = "display_name";
    /// <summary>kind</summary>
    public const string Kind = "kind";
    /// <summary>description</summary>
    public const string Description = "description";
    /// <summary>eligibility_note</summary>
    public const string EligibilityNote = "eligibility_note";
    /// <summary>response_time</summary>
    public const string ResponseTime = "response_time";
    /// <summary>capacity</summary>
    public const string Capacity = "capacity";
    /// <summary>capacity_note</summary>
    public const string CapacityNote = "capacity_note";

    /// <summary>Every updatable field.</summary>
    public static readonly IReadOnlySet<string> Updatable =
        new HashSet<string>([DisplayName, Kind, Description, EligibilityNote, ResponseTime, Capacity, CapacityNote]);

    /// <summary>The fields an agency may change on its own services: it keeps its capacity current.</summary>
    public static readonly IReadOnlySet<string> AgencyMayChange = new HashSet<string>([Capacity, CapacityNote]);

    /// <summary>Copies the named fields from <paramref name="patch"/> onto <paramref name="current"/>.</summary>
    public static ServiceProfile Apply(ServiceProfile current, ServiceProfile patch, IReadOnlySet<string> fields) => current with
    {
        DisplayName = fields.Contains(DisplayName) ? patch.DisplayName : current.DisplayName,
        Kind = fields.Contains(Kind) ? patch.Kind : current.Kind,
        Description = fields.Contains(Description) ? patch.Description : current.Description,
        EligibilityNote = fields.Contains(EligibilityNote) ? patch.EligibilityNote : current.EligibilityNote,
        ResponseTime = fields.Contains(ResponseTime) ? patch.ResponseTime : current.ResponseTime,
        Capacity = fields.Contains(Capacity) ? patch.Capacity : current.Capacity,
        CapacityNote = fields.Contains(CapacityNote) ? patch.CapacityNote : current.CapacityNote,
    };
}

/// <summary>The rules a referral or task naming a service follows.</summary>
public static class ServiceRules
{
    /// <summary>
    /// Refuses a new task for a service that takes nobody new (FAILED_PRECONDITION, reason
    /// SERVICE_CLOSED). Open and waitlisted services pass: the task records the waitlist.
    /// </summary>
    public static void RequireTakesNewPeople(ServiceRecord service)
    {
        if (service.Profile.Capacity == ServiceCapacity.Closed)
        {
            var note = service.Profile.CapacityNote.Length > 0 ? $" ({service.Profile.CapacityNote})" : "";
            throw new FailedPreconditionException("SERVICE_CLOSED",
                $"{service.Name} \"{service.Profile.DisplayName}\" takes no new people for now{note}: choose another service or agency / "
                + $"dịch vụ \"{service.Profile.DisplayName}\" tạm ngừng nhận trường hợp mới{note}: hãy chọn dịch vụ hoặc cơ quan khác.");
        }
    }

    /// <summary>
    /// The due time of a new task: the one the requester gave, or else the service's response time
    /// counted from <paramref name="now"/>; null when there is neither.
    /// </summary>
    public static DateTimeOffset? DueTime(DateTimeOffset? given, ServiceRecord? service, DateTimeOffset now, WorkingCalendar calendar) =>
        given ?? service?.Profile.ResponseTime.DueFrom(now, calendar);
}
