using Coordination.Silo.Conferences;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Mapping between conference messages and the domain.</summary>
public static class ConferenceMapping
{
    /// <summary>The resource name of a conference.</summary>
    public static string NameOf(string clusterId, string conferenceId) => $"clusters/{clusterId}/conferences/{conferenceId}";

    /// <summary>The message of a conference.</summary>
    public static V1.Conference ToMessage(this ConferenceRecord r)
    {
        var m = new V1.Conference
        {
            Name = NameOf(r.ClusterId, r.Id),
            Cluster = "clusters/" + r.ClusterId,
            Quarter = r.Quarter,
            Kind = (V1.ConferenceKind)(int)r.Kind,
            State = (V1.ConferenceState)(int)r.Status,
            Title = r.Title,
            StartTime = r.StartTime.ToTimestamp(),
            PreparationTime = r.PreparationTime.ToTimestamp(),
            Location = r.Location,
            AgendaTime = r.AgendaTime.ToTimestamp(),
            RescheduleReason = r.RescheduleReason,
            Etag = Silo.Common.Etags.For(r.Version),
            CreateTime = r.CreateTime.ToTimestamp(),
            UpdateTime = r.UpdateTime.ToTimestamp(),
        };
        m.Agenda.AddRange(r.Agenda.Select(a =>
        {
            var item = new V1.AgendaItem
            {
                Case = "cases/" + a.CaseId, Ward = "wards/" + a.WardId, Summary = a.Summary, OverdueTaskCount = a.OverdueTaskCount,
            };
            item.Reasons.AddRange(a.Reasons.Select(x => (V1.AgendaReason)(int)x));
            return item;
        }));
        m.Attendance.AddRange(r.Attendance.Select(a => new V1.Attendee
        {
            Participant = a.Participant, DisplayName = a.DisplayName, Organization = a.Organization, Role = a.Role, Present = a.Present,
        }));
        m.Discussions.AddRange(r.Discussions.Select(d =>
        {
            var x = new V1.CaseDiscussion
            {
                Case = "cases/" + d.CaseId, CentreProposal = d.CentreProposal, RecordedBy = d.RecordedBy.ToMessage(), RecordTime = d.RecordTime.ToTimestamp(),
            };
            x.Guidance.AddRange(d.Guidance.Select(g => new V1.Guidance { Department = "agencies/" + g.DepartmentAgencyId, Text = g.Text }));
            x.Decisions.AddRange(d.Decisions.Select(c => new V1.Decision
            {
                Text = c.Text, Assignee = "agencies/" + c.AssigneeAgencyId, DueTime = c.DueTime.ToTimestamp(), Task = CommonMapping.Named("tasks", c.TaskId),
            }));
            return x;
        }));
        return m;
    }
}
