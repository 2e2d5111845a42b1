using Coordination.Silo.Common;

namespace Coordination.Silo.Counselling;

/// <summary>How a counselling session took place. Numbers match the contract: never renumber.</summary>
public enum CounsellingChannel
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Face to face.</summary>
    InPerson = 1,
    /// <summary>A phone call other than the hotline.</summary>
    Phone = 2,
    /// <summary>The hotline 18001046.</summary>
    Hotline = 3,
    /// <summary>Online.</summary>
    Online = 4,
}

/// <summary>What a session was about. Numbers match the contract.</summary>
public enum CounsellingTopic
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Family conflict.</summary>
    FamilyConflict = 1,
    /// <summary>Domestic violence.</summary>
    DomesticViolence = 2,
    /// <summary>Gender equality.</summary>
    GenderEquality = 3,
    /// <summary>Child care.</summary>
    ChildCare = 4,
    /// <summary>Legal questions.</summary>
    Legal = 5,
    /// <summary>Psychological support.</summary>
    Psychological = 6,
    /// <summary>Something else.</summary>
    Other = 7,
}

/// <summary>What the recorder says about a session.</summary>
/// <param name="WardId">Ward id, or null for the Centre's city-wide sessions.</param>
/// <param name="CaseId">The case it is about, or null.</param>
/// <param name="Channel">How.</param>
/// <param name="Topics">About what (at least one).</param>
/// <param name="DurationMinutes">How long.</param>
/// <param name="Counsellor">Who counselled, <c>users/{user}</c>.</param>
/// <param name="SessionTime">When.</param>
/// <param name="FollowUpNeeded">Whether someone must follow up.</param>
/// <param name="Note">A short note.</param>
public sealed record CounsellingDetails(
    string? WardId, string? CaseId, CounsellingChannel Channel, CounsellingTopic[] Topics, int DurationMinutes,
    string Counsellor, DateTimeOffset SessionTime, bool FollowUpNeeded, string Note);

/// <summary>A recorded counselling session.</summary>
public sealed record CounsellingRecord(
    string Id, CounsellingDetails Details, Actor RecordedBy, long Version, DateTimeOffset CreateTime, DateTimeOffset UpdateTime);

/// <summary>Filters of a session list; null means "any".</summary>
/// <param name="WardId">Only this ward's sessions.</param>
/// <param name="OwnWardOnly">When true, <paramref name="WardId"/> is enforced even when null (ward people: never the Centre's city-wide sessions).</param>
/// <param name="CaseId">Only sessions on this case.</param>
/// <param name="Counsellor">Only this counsellor's.</param>
/// <param name="From">At or after.</param>
/// <param name="Before">Before.</param>
public sealed record CounsellingFilter(string? WardId, bool OwnWardOnly, string? CaseId, string? Counsellor, DateTimeOffset? From, DateTimeOffset? Before);

/// <summary>Counselling figures of a scope and period.</summary>
public sealed class CounsellingCounts
{
    /// <summary>Sessions.</summary>
    public long Sessions { get; set; }
    /// <summary>By channel.</summary>
    public Dictionary<CounsellingChannel, long> ByChannel { get; } = [];
    /// <summary>By topic (a session with two topics counts under each).</summary>
    public Dictionary<CounsellingTopic, long> ByTopic { get; } = [];
    /// <summary>Needing a follow-up.</summary>
    public long FollowUpNeeded { get; set; }
    /// <summary>Not linked to a case.</summary>
    public long WithoutCase { get; set; }
    /// <summary>Total minutes.</summary>
    public long TotalMinutes { get; set; }
}
