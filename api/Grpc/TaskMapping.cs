using Coordination.Silo.Tasks;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Translation between task messages and domain records, in one place.</summary>
public static class TaskMapping
{
    /// <summary>Task record → message.</summary>
    public static V1.Task ToMessage(this TaskRecord r, DateTimeOffset now)
    {
        var s = r.Spec;
        var limited = r.IsConsentLimited(now);
        var m = new V1.Task
        {
            Name = "tasks/" + r.Id,
            Kind = (V1.TaskKind)(int)s.Kind,
            Status = (V1.TaskStatus)(int)r.Status,
            Case = CommonMapping.Named("cases", s.CaseId),
            Ward = CommonMapping.Named("wards", s.WardId),
            Assigner = r.Assigner.ToMessage(),
            Assignee = "agencies/" + s.AssigneeAgencyId,
            Title = s.Title,
            Instructions = s.Instructions,
            Priority = (V1.TaskPriority)(int)s.Priority,
            DueTime = s.DueTime.ToTimestamp(),
            Dossier = s.Dossier is { } d
                ? new V1.ReferralDossier
                {
                    // Once the consent is withdrawn or expired the assessment is no longer the agency's to read.
                    Reason = d.Reason, RequestedService = d.RequestedService, AssessmentSummary = limited ? "" : d.AssessmentSummary,
                    ConsentGiven = d.ConsentGiven, ConsentBy = d.ConsentBy,
                }
                : null,
            CaseSummary = r.CaseSummary is { } c
                ? new V1.TaskCaseSummary
                {
                    PersonName = c.PersonName, AgeYears = c.AgeYears, Sex = c.Sex, Ward = CommonMapping.Named("wards", c.WardId),
                    Address = c.Address, FamilyContact = c.FamilyContact,
                    PersonDoNotContact = c.PersonDoNotContact ?? "", ReporterDoNotContact = c.ReporterDoNotContact ?? "",
                }
                : null,
            Outcome = r.Outcome is { } o
                ? new V1.OutcomeReport
                {
                    ActionsTaken = o.ActionsTaken, Result = o.Result, FollowUpNeeded = o.FollowUpNeeded, FollowUp = o.FollowUp,
                    // Outcomes stored before codes existed have no reference (null after deserialisation).
                    OutcomeCode = (V1.TaskOutcomeCode)(int)o.OutcomeCode, PartnerReference = o.PartnerReference ?? "",
                }
                : null,
            StatusReason = r.StatusReason,
            OutcomeReviewed = r.OutcomeReviewed,
            Replaces = CommonMapping.Named("tasks", s.Replaces),
            ReplacedBy = CommonMapping.Named("tasks", r.ReplacedBy),
            Overdue = r.IsOverdue(now),
            Etag = Silo.Common.Etags.For(r.Version),
            CreateTime = r.CreateTime.ToTimestamp(),
            UpdateTime = r.UpdateTime.ToTimestamp(),
            Conference = CommonMapping.Named("clusters", s.Conference.Replace("/", "/conferences/", StringComparison.Ordinal)),
            StatusReasonCode = (V1.TaskReasonCode)(int)r.StatusReasonCode,
            OutcomeSendBacks = r.OutcomeSendBacks,
            Service = s.Service is { } svc ? $"agencies/{s.AssigneeAgencyId}/services/{svc.ServiceId}" : "",
            ServiceDisplayName = s.Service?.DisplayName ?? "",
            ServiceCapacity = (V1.ServiceCapacity)(int)(s.Service?.Capacity ?? Silo.Directory.ServiceCapacity.Unspecified),
            ConsentLimited = limited,
            Consent = r.Consent is { ConsentId.Length: > 0 } b && s.CaseId.Length > 0 ? $"cases/{s.CaseId}/consents/{b.ConsentId}" : "",
            EmergencyOverride = r.Consent?.EmergencyOverride ?? false,
        };
        m.History.AddRange(r.History.Select(e => new V1.TaskEvent
        {
            Time = e.Time.ToTimestamp(),
            Actor = e.Actor.ToMessage(),
            Action = e.Action,
            Status = (V1.TaskStatus)(int)e.Status,
            Text = e.Text,
            ReasonCode = (V1.TaskReasonCode)(int)e.ReasonCode,
            OutcomeCode = (V1.TaskOutcomeCode)(int)e.OutcomeCode,
        }));
        return m;
    }
}
