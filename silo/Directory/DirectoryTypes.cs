namespace Coordination.Silo.Directory;

/// <summary>Kinds of agencies. Numbers are stored: never renumber.</summary>
public enum AgencyKind
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>The city Social Work Centre.</summary>
    SocialWorkCentre = 1,
    /// <summary>A ward People's Committee.</summary>
    PeoplesCommittee = 2,
    /// <summary>Police.</summary>
    Police = 3,
    /// <summary>Justice.</summary>
    Justice = 4,
    /// <summary>Health station or hospital.</summary>
    Health = 5,
    /// <summary>Women's union.</summary>
    WomensUnion = 6,
    /// <summary>Education.</summary>
    Education = 7,
    /// <summary>Youth union.</summary>
    YouthUnion = 8,
    /// <summary>Social affairs office.</summary>
    SocialAffairs = 9,
    /// <summary>Any other partner.</summary>
    Other = 10,
}

/// <summary>Work roles of people. Numbers are stored: never renumber.</summary>
public enum StaffRole
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>Centre coordinator (city).</summary>
    CentreCoordinator = 1,
    /// <summary>Ward People's Committee vice-chair.</summary>
    WardViceChair = 2,
    /// <summary>Ward child-protection officer.</summary>
    WardOfficer = 3,
    /// <summary>Agency liaison.</summary>
    AgencyLiaison = 4,
    /// <summary>Auditor (read-only, city).</summary>
    Auditor = 5,
    /// <summary>Centre case worker.</summary>
    CaseWorker = 6,
}

/// <summary>A person working for a ward or the Centre.</summary>
[GenerateSerializer, Alias("coord.StaffMember")]
public sealed record StaffMember(
    [property: Id(0)] string UserId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] StaffRole Role,
    [property: Id(3)] string Phone,
    [property: Id(4)] string Email);

/// <summary>A way to reach someone at an agency.</summary>
[GenerateSerializer, Alias("coord.Contact")]
public sealed record Contact(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string Title,
    [property: Id(2)] string Phone,
    [property: Id(3)] string Email);

/// <summary>What a ward is: set by the directory seed or an administrator.</summary>
[GenerateSerializer, Alias("coord.WardProfile")]
public sealed record WardProfile(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string AdministrativeCode,
    [property: Id(2)] string Province,
    [property: Id(3)] string ClusterId,
    [property: Id(4)] string PeoplesCommitteeAgencyId,
    [property: Id(5)] StaffMember? ViceChair,
    [property: Id(6)] StaffMember[] ChildProtectionOfficers)
{
    /// <summary>Structural equality, so re-seeding the same profile writes nothing.</summary>
    public bool SameAs(WardProfile other) =>
        this with { ChildProtectionOfficers = [] } == other with { ChildProtectionOfficers = [] }
        && ChildProtectionOfficers.SequenceEqual(other.ChildProtectionOfficers);
}

/// <summary>A ward as the directory shows it.</summary>
[GenerateSerializer, Immutable, Alias("coord.WardRecord")]
public sealed record WardRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] WardProfile Profile,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset CreateTime,
    [property: Id(4)] DateTimeOffset UpdateTime);

/// <summary>What a conference cluster is.</summary>
[GenerateSerializer, Alias("coord.ClusterProfile")]
public sealed record ClusterProfile(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string[] WardIds)
{
    /// <summary>Structural equality, so re-seeding the same profile writes nothing.</summary>
    public bool SameAs(ClusterProfile other) =>
        DisplayName == other.DisplayName && WardIds.SequenceEqual(other.WardIds);
}

/// <summary>A cluster as the directory shows it.</summary>
[GenerateSerializer, Immutable, Alias("coord.ClusterRecord")]
public sealed record ClusterRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] ClusterProfile Profile,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset CreateTime,
    [property: Id(4)] DateTimeOffset UpdateTime);

/// <summary>An agency's directory entry.</summary>
[GenerateSerializer, Alias("coord.AgencyProfile")]
public sealed record AgencyProfile(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] AgencyKind Kind,
    [property: Id(2)] string WardId,
    [property: Id(3)] string ParentOrganization,
    [property: Id(4)] string[] Services,
    [property: Id(5)] Contact[] Contacts,
    [property: Id(6)] string Address)
{
    /// <summary>Structural equality (arrays compared by content).</summary>
    public bool SameAs(AgencyProfile other) =>
        this with { Services = [], Contacts = [] } == other with { Services = [], Contacts = [] }
        && Services.SequenceEqual(other.Services)
        && Contacts.SequenceEqual(other.Contacts);
}

/// <summary>An agency as the directory shows it.</summary>
[GenerateSerializer, Immutable, Alias("coord.AgencyRecord")]
public sealed record AgencyRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] AgencyProfile Profile,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset CreateTime,
    [property: Id(4)] DateTimeOffset UpdateTime);

/// <summary>Fields of an agency that UpdateAgency may change, by their contract names.</summary>
public static class AgencyFields
{
    /// <summary>display_name</summary>
    public const string DisplayName = "display_name";
    /// <summary>kind</summary>
    public const string Kind = "kind";
    /// <summary>ward</summary>
    public const string Ward = "ward";
    /// <summary>parent_organization</summary>
    public const string ParentOrganization = "parent_organization";
    /// <summary>services</summary>
    public const string Services = "services";
    /// <summary>contacts</summary>
    public const string Contacts = "contacts";
    /// <summary>address</summary>
    public const string Address = "address";

    /// <summary>Every updatable field.</summary>
    public static readonly IReadOnlySet<string> Updatable =
        new HashSet<string>([DisplayName, Kind, Ward, ParentOrganization, Services, Contacts, Address]);

    /// <summary>Copies the named fields from <paramref name="patch"/> onto <paramref name="current"/>.</summary>
    public static AgencyProfile Apply(AgencyProfile current, AgencyProfile patch, IReadOnlySet<string> fields) => current with
    {
        DisplayName = fields.Contains(DisplayName) ? patch.DisplayName : current.DisplayName,
        Kind = fields.Contains(Kind) ? patch.Kind : current.Kind,
        WardId = fields.Contains(Ward) ? patch.WardId : current.WardId,
        ParentOrganization = fields.Contains(ParentOrganization) ? patch.ParentOrganization : current.ParentOrganization,
        Services = fields.Contains(Services) ? patch.Services : current.Services,
        Contacts = fields.Contains(Contacts) ? patch.Contacts : current.Contacts,
        Address = fields.Contains(Address) ? patch.Address : current.Address,
    };
}
