using System.Text.RegularExpressions;
using Coordination.Silo.Common;
using Google.Protobuf.WellKnownTypes;
using Domain = Coordination.Silo.Directory;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Translation between service-catalogue messages and domain records, and their resource names.</summary>
public static partial class ServiceMapping
{
    /// <summary>Service record → message.</summary>
    public static V1.AgencyService ToMessage(this Domain.ServiceRecord r) => new()
    {
        Name = r.Name,
        DisplayName = r.Profile.DisplayName,
        Kind = (V1.ServiceKind)(int)r.Profile.Kind,
        Description = r.Profile.Description,
        EligibilityNote = r.Profile.EligibilityNote,
        ResponseTime = new V1.ResponseTime { Value = r.Profile.ResponseTime.Value, Unit = (V1.ResponseTimeUnit)(int)r.Profile.ResponseTime.Unit },
        Capacity = (V1.ServiceCapacity)(int)r.Profile.Capacity,
        CapacityNote = r.Profile.CapacityNote,
        CapacityUpdateTime = Timestamp.FromDateTimeOffset(r.CapacityUpdateTime),
        Etag = Etags.For(r.Version),
        CreateTime = Timestamp.FromDateTimeOffset(r.CreateTime),
        UpdateTime = Timestamp.FromDateTimeOffset(r.UpdateTime),
    };

    /// <summary>Message → profile (text normalised; an unset capacity reads as OPEN).</summary>
    public static Domain.ServiceProfile ToProfile(this V1.AgencyService m) => new(
        Text.Normalize(m.DisplayName),
        (Domain.ServiceKind)(int)m.Kind,
        Text.Normalize(m.Description),
        Text.Normalize(m.EligibilityNote),
        new Domain.ResponseTime(m.ResponseTime?.Value ?? 0, (Domain.ResponseTimeUnit)(int)(m.ResponseTime?.Unit ?? V1.ResponseTimeUnit.Unspecified)),
        m.Capacity == V1.ServiceCapacity.Unspecified ? Domain.ServiceCapacity.Open : (Domain.ServiceCapacity)(int)m.Capacity,
        Text.Normalize(m.CapacityNote));

    /// <summary>
    /// Parses <c>agencies/{agency}/services/{service}</c>; records a violation and returns null when it
    /// is malformed, or when empty and <paramref name="required"/>.
    /// </summary>
    public static (string AgencyId, string ServiceId)? ServiceName(this RequestValidation v, string field, string? name, bool required = true)
    {
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                v.Add(field, "Required: a name like agencies/{agency}/services/{service} / bắt buộc.");
            }
            return null;
        }
        var match = NamePattern().Match(name);
        if (!match.Success)
        {
            v.Add(field, "Must be agencies/{agency}/services/{service} with ids of lower-case letters, digits and hyphens / sai định dạng.");
            return null;
        }
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>
    /// The service a new task names, checked against its assignee: the service must be of the
    /// assignee's catalogue (INVALID_ARGUMENT on <paramref name="field"/> otherwise).
    /// </summary>
    public static Silo.Tasks.TaskServiceRef? TaskService(this RequestValidation v, string field, string? name, string? assigneeId)
    {
        if (v.ServiceName(field, name, required: false) is not { } parsed)
        {
            return null;
        }
        if (assigneeId is not null && parsed.AgencyId != assigneeId)
        {
            v.Add(field, $"The service must be one of agencies/{assigneeId}'s own services / dịch vụ phải thuộc cơ quan được giao.");
            return null;
        }
        return new Silo.Tasks.TaskServiceRef(parsed.ServiceId, "", Domain.ServiceCapacity.Unspecified);
    }

    /// <summary>Validates the fields of a service that a request sets.</summary>
    public static void Validate(this RequestValidation v, V1.AgencyService s, IReadOnlySet<string> fields)
    {
        if (fields.Contains(Domain.ServiceFields.DisplayName))
        {
            v.Required("service.display_name", s.DisplayName, 200);
        }
        if (fields.Contains(Domain.ServiceFields.Kind))
        {
            v.Enum("service.kind", s.Kind);
        }
        v.MaxLength("service.description", s.Description, 2000);
        v.MaxLength("service.eligibility_note", s.EligibilityNote, 1000);
        v.MaxLength("service.capacity_note", s.CapacityNote, 500);
        if (fields.Contains(Domain.ServiceFields.ResponseTime))
        {
            var unit = s.ResponseTime?.Unit ?? V1.ResponseTimeUnit.Unspecified;
            var time = new Domain.ResponseTime(s.ResponseTime?.Value ?? 0, (Domain.ResponseTimeUnit)(int)unit);
            if (!System.Enum.IsDefined(unit) || unit == V1.ResponseTimeUnit.Unspecified)
            {
                v.Add("service.response_time.unit", "Required: RESPONSE_TIME_UNIT_HOURS or RESPONSE_TIME_UNIT_WORKING_DAYS / bắt buộc chọn đơn vị.");
            }
            else if (!time.IsValid)
            {
                v.Add("service.response_time.value", $"1–{Domain.ResponseTime.MaxHours} hours or 1–{Domain.ResponseTime.MaxWorkingDays} working days / "
                    + $"từ 1 đến {Domain.ResponseTime.MaxHours} giờ hoặc 1 đến {Domain.ResponseTime.MaxWorkingDays} ngày làm việc.");
            }
        }
        if (fields.Contains(Domain.ServiceFields.Capacity))
        {
            v.Enum("service.capacity", s.Capacity, required: false);
        }
    }

    [GeneratedRegex("^agencies/([a-z][a-z0-9-]{2,62})/services/([a-z][a-z0-9-]{2,62})$")]
    private static partial Regex NamePattern();
}
