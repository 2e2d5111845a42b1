using Coordination.Silo.Common;
using Google.Protobuf.WellKnownTypes;
using Domain = Coordination.Silo.Directory;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Translation between directory messages and domain records, in one place.</summary>
public static class DirectoryMapping
{
    /// <summary>Ward record → message.</summary>
    public static V1.Ward ToMessage(this Domain.WardRecord r)
    {
        var m = new V1.Ward
        {
            Name = "wards/" + r.Id,
            DisplayName = r.Profile.DisplayName,
            AdministrativeCode = r.Profile.AdministrativeCode,
            Province = r.Profile.Province,
            Cluster = Named("clusters/", r.Profile.ClusterId),
            PeoplesCommittee = Named("agencies/", r.Profile.PeoplesCommitteeAgencyId),
            ViceChair = r.Profile.ViceChair?.ToMessage(),
            Etag = Etags.For(r.Version),
            CreateTime = Timestamp.FromDateTimeOffset(r.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(r.UpdateTime),
        };
        m.ChildProtectionOfficers.AddRange(r.Profile.ChildProtectionOfficers.Select(ToMessage));
        return m;
    }

    /// <summary>Staff member → message.</summary>
    public static V1.StaffMember ToMessage(this Domain.StaffMember s) => new()
    {
        User = "users/" + s.UserId,
        DisplayName = s.DisplayName,
        Role = (V1.StaffRole)(int)s.Role,
        Phone = s.Phone,
        Email = s.Email,
    };

    /// <summary>Cluster record → message.</summary>
    public static V1.Cluster ToMessage(this Domain.ClusterRecord r)
    {
        var m = new V1.Cluster
        {
            Name = "clusters/" + r.Id,
            DisplayName = r.Profile.DisplayName,
            Etag = Etags.For(r.Version),
            CreateTime = Timestamp.FromDateTimeOffset(r.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(r.UpdateTime),
        };
        m.Wards.AddRange(r.Profile.WardIds.Order(StringComparer.Ordinal).Select(id => "wards/" + id));
        return m;
    }

    /// <summary>Agency record → message.</summary>
    public static V1.Agency ToMessage(this Domain.AgencyRecord r)
    {
        var m = new V1.Agency
        {
            Name = "agencies/" + r.Id,
            DisplayName = r.Profile.DisplayName,
            Kind = (V1.AgencyKind)(int)r.Profile.Kind,
            Ward = Named("wards/", r.Profile.WardId),
            ParentOrganization = r.Profile.ParentOrganization,
            Address = r.Profile.Address,
            Etag = Etags.For(r.Version),
            CreateTime = Timestamp.FromDateTimeOffset(r.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(r.UpdateTime),
        };
        m.Services.AddRange(r.Profile.Services);
        m.Contacts.AddRange(r.Profile.Contacts.Select(c => new V1.Contact
        {
            DisplayName = c.DisplayName,
            Title = c.Title,
            Phone = c.Phone,
            Email = c.Email,
        }));
        return m;
    }

    /// <summary>Agency message → profile; <paramref name="wardId"/> is the already-parsed ward.</summary>
    public static Domain.AgencyProfile ToProfile(this V1.Agency m, string? wardId) => new(
        Text.Normalize(m.DisplayName),
        (Domain.AgencyKind)(int)m.Kind,
        wardId ?? "",
        Text.Normalize(m.ParentOrganization),
        [.. m.Services.Select(Text.Normalize)],
        [.. m.Contacts.Select(c => new Domain.Contact(Text.Normalize(c.DisplayName), Text.Normalize(c.Title), c.Phone.Trim(), c.Email.Trim()))],
        Text.Normalize(m.Address));

    private static string Named(string collection, string id) => id.Length == 0 ? "" : collection + id;
}

/// <summary>Text as the platform stores it: Unicode NFC, trimmed.</summary>
public static class Text
{
    /// <summary>NFC-normalises and trims <paramref name="s"/>, so "Hằng" typed decomposed equals "Hằng" typed precomposed.</summary>
    public static string Normalize(string s) => s.Normalize(System.Text.NormalizationForm.FormC).Trim();
}
