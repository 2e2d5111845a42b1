using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Translation between case messages and domain records, in one place.</summary>
public static class CaseMapping
{
    /// <summary>Case record → message, with its clocks at <paramref name="now"/>.</summary>
    public static V1.Case ToMessage(this CaseRecord c, WorkingCalendar calendar, CaseClockOptions options, DateTimeOffset now)
    {
        var d = c.Details;
        var clocks = CaseClocks.For(c, calendar, options);
        var m = new V1.Case
        {
            Name = "cases/" + c.Id,
            Ward = "wards/" + c.WardId,
            Cluster = CommonMapping.Named("clusters", c.ClusterId),
            Source = (V1.IntakeSource)(int)d.Source,
            Reporter = new V1.Reporter
            {
                DisplayName = d.Reporter.DisplayName,
                Relationship = d.Reporter.Relationship,
                Phone = d.Reporter.Phone,
                Organization = d.Reporter.Organization,
                DoNotContact = d.Reporter.DoNotContact ?? "",
            },
            Person = new V1.Person
            {
                DisplayName = d.Person.DisplayName,
                Sex = (V1.Sex)(int)d.Person.Sex,
                BirthDate = d.Person.BirthDate is { } b ? new V1.CalendarDate { Year = b.Year, Month = b.Month, Day = b.Day } : null,
                ApproximateAgeYears = d.Person.ApproximateAgeYears,
                Address = d.Person.Address,
                FamilyContact = d.Person.FamilyContact,
                DoNotContact = d.Person.DoNotContact ?? "",
            },
            Account = d.Account,
            ReportTime = c.ReportTime.ToTimestamp(),
            Step = (V1.CaseStep)(int)c.Step,
            RiskLevel = (V1.RiskLevel)(int)c.Risk,
            CaseWorker = d.CaseWorker,
            InitialAssessment = c.InitialAssessment?.ToMessage(),
            DetailedAssessment = c.DetailedAssessment?.ToMessage(),
            Plan = c.Plan?.ToMessage(),
            ConferenceFlag = c.ConferenceFlag is { } f
                ? new V1.ConferenceFlag { Flagged = f.Flagged, Reason = f.Reason, SetBy = f.SetBy.ToMessage(), SetTime = f.SetTime.ToTimestamp() }
                : null,
            Clocks = new V1.CaseClocks
            {
                EmergencyMeasuresDueTime = clocks.EmergencyMeasuresDue.ToTimestamp(),
                PlanDueTime = clocks.PlanDue.ToTimestamp(),
                PlanApprovalDueTime = clocks.PlanApprovalDue.ToTimestamp(),
                NextReviewDueTime = clocks.NextReviewDue.ToTimestamp(),
                Overdue = { clocks.OverdueAt(now) },
            },
            Closure = c.Closure is { } x
                ? new V1.CaseClosure { Reason = x.Reason, Outcome = x.Outcome, ClosedBy = x.ClosedBy.ToMessage(), CloseTime = x.CloseTime.ToTimestamp() }
                : null,
            Etag = Silo.Common.Etags.For(c.Version),
            CreateTime = c.CreateTime.ToTimestamp(),
            UpdateTime = c.UpdateTime.ToTimestamp(),
            CreatedBy = c.CreatedBy.ToMessage(),
        };
        // Plain loops: this runs on every GetCase, and LINQ adds an iterator and a delegate per list.
        foreach (var k in d.Categories)
        {
            m.Categories.Add((V1.CaseCategory)k);
        }
        foreach (var id in c.TaskIds)
        {
            m.Tasks.Add("tasks/" + id);
        }
        foreach (var id in c.SharedAgencies)
        {
            m.SharedWith.Add("agencies/" + id);
        }
        foreach (var consent in c.ConsentList)
        {
            m.Consents.Add(consent.ToMessage(c.Id, now));
        }
        foreach (var o in c.OverrideList)
        {
            var e = new V1.EmergencyOverride
            {
                Agency = "agencies/" + o.AgencyId, Reason = o.Reason, DecidedBy = o.DecidedBy.ToMessage(),
                DecideTime = o.DecideTime.ToTimestamp(), Method = o.Method,
            };
            foreach (var scope in o.Scopes)
            {
                e.DataScopes.Add((V1.ConsentDataScope)(int)scope);
            }
            m.EmergencyOverrides.Add(e);
        }
        return m;
    }

    /// <summary>Consent → message, with its state at <paramref name="now"/>.</summary>
    public static V1.Consent ToMessage(this CaseConsent c, string caseId, DateTimeOffset now)
    {
        var t = c.Terms;
        var m = new V1.Consent
        {
            Name = $"cases/{caseId}/consents/{c.Id}",
            GivenByKind = (V1.ConsentGiverKind)(int)t.GivenByKind,
            GivenByName = t.GivenByName,
            Relationship = t.Relationship,
            Purpose = t.Purpose,
            GiveTime = c.GiveTime.ToTimestamp(),
            ExpireTime = t.ExpireTime.ToTimestamp(),
            FormReference = t.FormReference,
            State = (V1.ConsentState)(int)ConsentRules.StateAt(c, now),
            RecordedBy = c.RecordedBy.ToMessage(),
            RecordTime = c.RecordTime.ToTimestamp(),
            WithdrawTime = c.WithdrawTime.ToTimestamp(),
            WithdrawnBy = c.WithdrawnBy?.ToMessage(),
            WithdrawReason = c.WithdrawReason,
            Source = c.Source,
        };
        m.AgencyKinds.AddRange(t.AgencyKinds.Select(k => (V1.AgencyKind)(int)k));
        m.Agencies.AddRange(t.AgencyIds.Select(a => "agencies/" + a));
        m.DataScopes.AddRange(t.Scopes.Select(s => (V1.ConsentDataScope)(int)s));
        return m;
    }

    /// <summary>Assessment → message.</summary>
    public static V1.Assessment ToMessage(this Assessment a)
    {
        var m = new V1.Assessment
        {
            RiskLevel = (V1.RiskLevel)(int)a.RiskLevel,
            Findings = a.Findings,
            AssessedBy = a.AssessedBy.ToMessage(),
            AssessTime = a.AssessTime.ToTimestamp(),
        };
        m.Needs.AddRange(a.Needs);
        return m;
    }

    /// <summary>Plan → message.</summary>
    public static V1.SupportPlan ToMessage(this SupportPlan p)
    {
        var m = new V1.SupportPlan
        {
            Goal = p.Goal,
            Status = (V1.PlanStatus)(int)p.Status,
            ProposedBy = p.ProposedBy.ToMessage(),
            ProposeTime = p.ProposeTime.ToTimestamp(),
            DecidedBy = p.DecidedBy?.ToMessage(),
            DecideTime = p.DecideTime.ToTimestamp(),
            ReturnReason = p.ReturnReason,
        };
        m.Items.AddRange(p.Items.Select(i => new V1.PlanItem { Action = i.Action, Responsible = i.Responsible, DueTime = i.DueTime.ToTimestamp() }));
        return m;
    }

    /// <summary>The descriptive part of a case message (text NFC-normalised).</summary>
    public static CaseDetails ToDetails(this V1.Case m) => new(
        (IntakeSource)(int)m.Source,
        new Reporter(
            Text.Normalize(m.Reporter?.DisplayName ?? ""), Text.Normalize(m.Reporter?.Relationship ?? ""),
            (m.Reporter?.Phone ?? "").Trim(), Text.Normalize(m.Reporter?.Organization ?? ""),
            Text.Normalize(m.Reporter?.DoNotContact ?? "")),
        new Person(
            Text.Normalize(m.Person?.DisplayName ?? ""),
            (Sex)(int)(m.Person?.Sex ?? V1.Sex.Unspecified),
            m.Person?.BirthDate is { } b ? new DateOnly(b.Year, b.Month, b.Day) : null,
            m.Person?.ApproximateAgeYears ?? 0,
            Text.Normalize(m.Person?.Address ?? ""),
            Text.Normalize(m.Person?.FamilyContact ?? ""),
            Text.Normalize(m.Person?.DoNotContact ?? "")),
        [.. m.Categories.Select(c => (int)c).Distinct().Order()],
        Text.Normalize(m.Account),
        m.CaseWorker.Trim());

    /// <summary>Timeline entry → message.</summary>
    public static V1.TimelineEntry ToMessage(this TimelineEntry e) => new()
    {
        Sequence = e.Sequence,
        Time = e.Time.ToTimestamp(),
        Actor = e.Actor.ToMessage(),
        Method = e.Method,
        Action = e.Action,
        Detail = e.Detail,
        Resource = e.Resource,
    };
}
