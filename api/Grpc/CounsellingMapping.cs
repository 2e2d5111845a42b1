using Coordination.Silo.Common;
using Coordination.Silo.Counselling;
using Google.Protobuf.WellKnownTypes;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Translation between counselling messages and records, in one place.</summary>
public static class CounsellingMapping
{
    /// <summary>Record → message.</summary>
    public static V1.CounsellingSession ToMessage(this CounsellingRecord r)
    {
        var d = r.Details;
        var m = new V1.CounsellingSession
        {
            Name = "counsellingSessions/" + r.Id,
            Ward = d.WardId is null ? "" : "wards/" + d.WardId,
            Case = d.CaseId is null ? "" : "cases/" + d.CaseId,
            Channel = (V1.CounsellingChannel)(int)d.Channel,
            DurationMinutes = d.DurationMinutes,
            Counsellor = d.Counsellor,
            SessionTime = Timestamp.FromDateTimeOffset(d.SessionTime),
            FollowUpNeeded = d.FollowUpNeeded,
            Note = d.Note,
            Etag = Etags.For(r.Version),
            RecordedBy = r.RecordedBy.ToMessage(),
            CreateTime = Timestamp.FromDateTimeOffset(r.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(r.UpdateTime),
        };
        m.Topics.AddRange(d.Topics.Select(t => (V1.CounsellingTopic)(int)t));
        return m;
    }

    /// <summary>Counts → report figures, every channel and topic listed (zeros included).</summary>
    public static V1.CounsellingStatistics ToMessage(this CounsellingCounts c)
    {
        var m = new V1.CounsellingStatistics
        {
            Sessions = c.Sessions, FollowUpNeeded = c.FollowUpNeeded, WithoutCase = c.WithoutCase, TotalMinutes = c.TotalMinutes,
        };
        m.ByChannel.AddRange(System.Enum.GetValues<CounsellingChannel>().Where(x => x != CounsellingChannel.Unspecified)
            .Select(x => new V1.CounsellingChannelCount { Channel = (V1.CounsellingChannel)(int)x, Sessions = c.ByChannel.GetValueOrDefault(x) }));
        m.ByTopic.AddRange(System.Enum.GetValues<CounsellingTopic>().Where(x => x != CounsellingTopic.Unspecified)
            .Select(x => new V1.CounsellingTopicCount { Topic = (V1.CounsellingTopic)(int)x, Sessions = c.ByTopic.GetValueOrDefault(x) }));
        return m;
    }

    /// <summary>The counselling figures as (group, label, count) rows of a report file, in Vietnamese.</summary>
    public static IEnumerable<(string Group, string Label, long Count)> Rows(V1.CounsellingStatistics c)
    {
        yield return ("Tổng cộng", "Số buổi tư vấn", c.Sessions);
        yield return ("Tổng cộng", "Cần theo dõi tiếp", c.FollowUpNeeded);
        yield return ("Tổng cộng", "Không gắn hồ sơ (ẩn danh)", c.WithoutCase);
        yield return ("Tổng cộng", "Tổng số phút", c.TotalMinutes);
        foreach (var x in c.ByChannel)
        {
            yield return ("Hình thức", ChannelLabel(x.Channel), x.Sessions);
        }
        foreach (var x in c.ByTopic)
        {
            yield return ("Chủ đề", TopicLabel(x.Topic), x.Sessions);
        }
    }

    /// <summary>Vietnamese name of a channel.</summary>
    public static string ChannelLabel(V1.CounsellingChannel c) => c switch
    {
        V1.CounsellingChannel.InPerson => "Trực tiếp",
        V1.CounsellingChannel.Phone => "Điện thoại",
        V1.CounsellingChannel.Hotline => "Tổng đài 18001046",
        V1.CounsellingChannel.Online => "Trực tuyến",
        _ => "Không rõ",
    };

    /// <summary>Vietnamese name of a topic.</summary>
    public static string TopicLabel(V1.CounsellingTopic t) => t switch
    {
        V1.CounsellingTopic.FamilyConflict => "Mâu thuẫn gia đình",
        V1.CounsellingTopic.DomesticViolence => "Bạo lực gia đình",
        V1.CounsellingTopic.GenderEquality => "Bình đẳng giới",
        V1.CounsellingTopic.ChildCare => "Chăm sóc trẻ em",
        V1.CounsellingTopic.Legal => "Pháp lý",
        V1.CounsellingTopic.Psychological => "Tâm lý",
        V1.CounsellingTopic.Other => "Khác",
        _ => "Không rõ",
    };
}
