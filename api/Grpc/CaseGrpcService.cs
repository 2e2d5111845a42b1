using Coordination.Api.Identity;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Intake;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Reminders;
using Coordination.Silo.Tasks;
using Coordination.V1;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Case = Coordination.V1.Case;
using PlanItem = Coordination.Silo.Cases.PlanItem;
using TimelineEntry = Coordination.Silo.Cases.TimelineEntry;
using CaseStep = Coordination.V1.CaseStep;
using ReviewDecision = Coordination.V1.ReviewDecision;
using RiskLevel = Coordination.V1.RiskLevel;

namespace Coordination.Api.Grpc;

/// <summary>gRPC adapter of cases: validate, call one grain or read-model query, map back.</summary>
public sealed class CaseGrpcService(
    IGrainFactory grains, ReadModelStore readModel, ReminderStore reminders, TimeProvider time, WorkingCalendar calendar, IOptions<CaseClockOptions> clocks,
    DuplicateStore duplicates, IOptions<IntakeOptions> intake, GrainReferences<ICaseGrain> cases, GrainReferences<Silo.Directory.IAgencyGrain> agencies)
    : CaseService.CaseServiceBase
{
    private const int MaxText = 10_000;
    private const int MaxName = 200;

    private Case Map(CaseRecord r) => r.ToMessage(calendar, clocks.Value, time.GetUtcNow());

    private ICaseGrain Grain(string id) => cases.For(id);

    /// <inheritdoc/>
    public override async Task<Case> CreateCase(CreateCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        string? ward = null;
        if (request.Case is null)
        {
            v.Add("case", "Required / bắt buộc.");
        }
        else
        {
            ward = v.ResourceId("case.ward", request.Case.Ward, "wards");
            v.Enum("case.source", request.Case.Source);
            ValidateDetails(v, request.Case, null);
            if (request.Case.ReportTime is { } t && t.ToDateTimeOffset() > time.GetUtcNow().AddMinutes(5))
            {
                v.Add("case.report_time", "Must not be in the future / không được ở tương lai.");
            }
        }
        ValidateAcknowledged(v, request.AcknowledgedDuplicates);
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        Access.RequireWardWrite(call.Actor, ward!);
        // Search before create; a retry of a create that went through returns its case unchecked.
        if (intake.Value.RefuseDuplicates
            && await duplicates.CreatedByRequestAsync(call.Actor.Principal, request.RequestId, context.CancellationToken) is null)
        {
            var details = request.Case!.ToDetails();
            var reportYear = TimeZoneInfo.ConvertTime(request.Case!.ReportTime?.ToDateTimeOffset() ?? time.GetUtcNow(), WorkingCalendar.VietnamTime).Year;
            var (year, exact) = DuplicateScoring.BirthYear(details.Person.BirthDate, details.Person.ApproximateAgeYears, reportYear);
            var probe = new DuplicateProbe(details.Person.DisplayName, year, exact, ward!,
                DuplicateScoring.PhoneKeys(details.Reporter.Phone, details.Person.FamilyContact));
            var shown = DuplicateMapping.ForCaller(await duplicates.FindAsync(probe, time.GetUtcNow(), context.CancellationToken), call.Actor);
            var blocking = DuplicateMapping.Unacknowledged(shown, [.. request.AcknowledgedDuplicates]);
            if (blocking.Count > 0)
            {
                throw new PossibleDuplicateException(blocking);
            }
        }
        var record = await grains.GetGrain<IIntakeGrain>(0).OpenCase(
            ward!, request.Case!.ToDetails(), request.Case!.ReportTime?.ToDateTimeOffset(), call);
        return Map(record);
    }

    /// <inheritdoc/>
    public override async Task<FindPossibleDuplicatesResponse> FindPossibleDuplicates(FindPossibleDuplicatesRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.Required("person_display_name", request.PersonDisplayName, MaxName);
        var ward = v.ResourceId("ward", request.Ward, "wards");
        var thisYear = TimeZoneInfo.ConvertTime(time.GetUtcNow(), WorkingCalendar.VietnamTime).Year;
        if (request.BirthYear != 0 && (request.BirthYear < thisYear - 120 || request.BirthYear > thisYear))
        {
            v.Add("birth_year", $"A year from {thisYear - 120} to {thisYear}, or 0 / năm sinh không hợp lệ.");
        }
        if (request.ApproximateAgeYears is < 0 or > 120)
        {
            v.Add("approximate_age_years", "0–120 / từ 0 đến 120.");
        }
        v.MaxLength("phone", request.Phone, 50);
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        Access.RequireNotReadOnly(caller);
        Access.RequireWardWrite(caller, ward!);
        var (year, exact) = request.BirthYear != 0
            ? (request.BirthYear, true)
            : DuplicateScoring.BirthYear(null, request.ApproximateAgeYears, thisYear);
        var probe = new DuplicateProbe(request.PersonDisplayName, year, exact, ward!, DuplicateScoring.PhoneKeys(request.Phone));
        var found = await duplicates.FindAsync(probe, time.GetUtcNow(), context.CancellationToken);
        var response = new FindPossibleDuplicatesResponse { StrongThreshold = DuplicateScoring.StrongThreshold };
        response.Candidates.AddRange(DuplicateMapping.ForCaller(found, caller));
        return response;
    }

    private static void ValidateAcknowledged(RequestValidation v, Google.Protobuf.Collections.RepeatedField<string> acknowledged)
    {
        if (acknowledged.Count > DuplicateStore.MaxCandidates * 2)
        {
            v.Add("acknowledged_duplicates", $"At most {DuplicateStore.MaxCandidates * 2} / tối đa {DuplicateStore.MaxCandidates * 2}.");
            return;
        }
        for (var i = 0; i < acknowledged.Count; i++)
        {
            var field = $"acknowledged_duplicates[{i}]";
            _ = acknowledged[i].StartsWith("wards/", StringComparison.Ordinal)
                ? v.ResourceId(field, acknowledged[i], "wards")
                : v.ServerId(field, acknowledged[i], "cases");
        }
    }

    /// <inheritdoc/>
    public override async Task<Case> GetCase(GetCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", request.Name, "cases");
        v.ThrowIfAny();
        return Map(await Readable(id!, request.Name, context));
    }

    /// <inheritdoc/>
    public override async Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var ward = v.ResourceId("ward", request.Ward, "wards", required: false);
        var cluster = v.ResourceId("cluster", request.Cluster, "clusters", required: false);
        v.Enum("step", request.Step, required: false);
        v.Enum("risk_level", request.RiskLevel, required: false);
        v.Enum("category", request.Category, required: false);
        v.MaxLength("person_name", request.PersonName, MaxName);
        v.MaxLength("case_worker", request.CaseWorker, MaxName);
        var caller = CallContexts.Caller(context);
        if (!Access.SeesCity(caller))
        {
            // Ward people see their own ward's cases only; partner agencies see tasks, not case lists.
            var own = Access.WardOf(caller) ?? throw Access.Denied();
            if (ward is not null && ward != own)
            {
                throw Access.Denied();
            }
            ward = own;
        }
        var filter = new CaseFilter(
            ward, cluster,
            request.Step == CaseStep.Unspecified ? null : (Silo.Cases.CaseStep)(int)request.Step,
            request.RiskLevel == RiskLevel.Unspecified ? null : (Silo.Cases.RiskLevel)(int)request.RiskLevel,
            request.Category == CaseCategory.Unspecified ? null : (int)request.Category,
            string.IsNullOrEmpty(request.CaseWorker) ? null : request.CaseWorker,
            request.FlaggedForConference, request.Overdue,
            string.IsNullOrWhiteSpace(request.PersonName) ? null : request.PersonName, request.IncludeClosed);
        var (size, after) = v.Page(request.PageSize, request.PageToken, filter.ToString(), PageCursor.Keyset);
        v.ThrowIfAny();
        var cursor = KeysetCursor.Parse(after);
        var rows = await readModel.ListCasesAsync(filter, time.GetUtcNow(), cursor, size + 1, context.CancellationToken);
        var response = new ListCasesResponse();
        response.Cases.AddRange(rows.Take(size).Select(Map));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = new PageToken(KeysetCursor.Format(last.ReportTime, last.Id), filter.ToString()).Encode();
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task<Case> UpdateCase(UpdateCaseRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var fields = request.UpdateMask?.Paths.ToHashSet(StringComparer.Ordinal) ?? [];
        if (fields.Count == 0)
        {
            v.Add("update_mask", "Name at least one field to change / cần ít nhất một trường.");
        }
        foreach (var f in fields.Where(f => !UpdatableCaseFields.Contains(f)))
        {
            v.Add("update_mask", $"Field '{f}' cannot be updated; allowed: {string.Join(", ", UpdatableCaseFields)} / không thể cập nhật trường này.");
        }
        string? id = null;
        if (request.Case is null)
        {
            v.Add("case", "Required / bắt buộc.");
        }
        else
        {
            id = v.ServerId("case.name", request.Case.Name, "cases");
            ValidateDetails(v, request.Case, fields);
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(id!, call);
        var record = await Grain(id!).Update(request.Case!.ToDetails(), [.. fields], request.Case!.Etag, call);
        return Map(record);
    }

    /// <inheritdoc/>
    public override async Task<Case> RecordInitialAssessment(RecordInitialAssessmentRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v => ValidateAssessment(v, request.Assessment, riskRequired: true));
        var a = request.Assessment;
        return Map(await Grain(id).RecordInitialAssessment(
            (Silo.Cases.RiskLevel)(int)a.RiskLevel, Text.Normalize(a.Findings), [.. a.Needs.Select(Text.Normalize)], request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> RecordDetailedAssessment(RecordDetailedAssessmentRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v => ValidateAssessment(v, request.Assessment, riskRequired: false));
        var a = request.Assessment;
        return Map(await Grain(id).RecordDetailedAssessment(
            (Silo.Cases.RiskLevel)(int)a.RiskLevel, Text.Normalize(a.Findings), [.. a.Needs.Select(Text.Normalize)], request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> ProposePlan(ProposePlanRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var (id, call) = await Target(request.Name, request.RequestId, context, v =>
        {
            if (request.Plan is null)
            {
                v.Add("plan", "Required / bắt buộc.");
                return;
            }
            v.Required("plan.goal", request.Plan.Goal, MaxText);
            if (request.Plan.Items.Count == 0)
            {
                v.Add("plan.items", "At least one item / cần ít nhất một hoạt động.");
            }
            if (request.Plan.Items.Count > 100)
            {
                v.Add("plan.items", "At most 100 items / tối đa 100 hoạt động.");
            }
            for (var i = 0; i < Math.Min(request.Plan.Items.Count, 100); i++)
            {
                var item = request.Plan.Items[i];
                v.Required($"plan.items[{i}].action", item.Action, 2000);
                v.Required($"plan.items[{i}].responsible", item.Responsible, MaxName);
                if (item.DueTime is { } due && due.ToDateTimeOffset() <= now)
                {
                    v.Add($"plan.items[{i}].due_time", "Must be in the future / hạn phải ở tương lai.");
                }
            }
        });
        var items = request.Plan.Items
            .Select(i => new PlanItem(Text.Normalize(i.Action), i.Responsible.Trim(), i.DueTime?.ToDateTimeOffset()))
            .ToArray();
        return Map(await Grain(id).ProposePlan(Text.Normalize(request.Plan.Goal), items, request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> ApprovePlan(ApprovePlanRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v => v.MaxLength("comment", request.Comment, MaxText));
        Access.RequireRole(call.Actor, Silo.Common.Actor.WardViceChair);
        return Map(await Grain(id).DecidePlan(true, Text.Normalize(request.Comment), request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> ReturnPlan(ReturnPlanRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v => v.Required("reason", request.Reason, MaxText));
        Access.RequireRole(call.Actor, Silo.Common.Actor.WardViceChair);
        return Map(await Grain(id).DecidePlan(false, Text.Normalize(request.Reason), request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> StartIntervention(StartInterventionRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, _ => { });
        return Map(await Grain(id).StartIntervention(request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> RecordReview(RecordReviewRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v =>
        {
            v.Required("summary", request.Summary, MaxText);
            v.Enum("decision", request.Decision);
        });
        return Map(await Grain(id).RecordReview(
            Text.Normalize(request.Summary), (Silo.Cases.ReviewDecision)(int)request.Decision, request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> AddCaseNote(AddCaseNoteRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v => v.Required("text", request.Text, MaxText));
        return Map(await Grain(id).AddNote(Text.Normalize(request.Text), call));
    }

    /// <inheritdoc/>
    public override async Task<Case> SetConferenceFlag(SetConferenceFlagRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v =>
        {
            if (request.Flagged)
            {
                v.Required("reason", request.Reason, MaxText);
            }
            else
            {
                v.MaxLength("reason", request.Reason, MaxText);
            }
        });
        return Map(await Grain(id).SetConferenceFlag(request.Flagged, Text.Normalize(request.Reason), call));
    }

    /// <inheritdoc/>
    public override async Task<Case> CloseCase(CloseCaseRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v =>
        {
            v.Required("reason", request.Reason, MaxText);
            v.Required("outcome", request.Outcome, MaxText);
        });
        return Map(await Grain(id).Close(Text.Normalize(request.Reason), Text.Normalize(request.Outcome), request.CancelOpenTasks, request.Etag, call));
    }

    /// <inheritdoc/>
    public override async Task<Case> ReopenCase(ReopenCaseRequest request, ServerCallContext context)
    {
        var (id, call) = await Target(request.Name, request.RequestId, context, v => v.Required("reason", request.Reason, MaxText));
        return Map(await Grain(id).Reopen(Text.Normalize(request.Reason), call));
    }

    /// <inheritdoc/>
    public override async Task<ListCaseTimelineResponse> ListCaseTimeline(ListCaseTimelineRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", request.Name, "cases");
        var (size, after) = v.Page(request.PageSize == 0 ? 100 : request.PageSize, request.PageToken, request.Name, PageCursor.Offset);
        v.ThrowIfAny();
        var grain = Grain(id!);
        var record = await Readable(id!, request.Name, context);
        // The page is cut from the merge below in memory: its numbering is the position in the merged
        // list, and task histories come from their grains (a task stored by an earlier version moves
        // to the task store when it activates), so the case's own entries cannot be paged in SQL alone.
        var entries = (await grain.GetTimeline()).ToList();
        // A shared agency (not the ward's people, not the city) sees the case's own entries and its
        // own tasks' histories: other agencies' tasks, and case entries about them, are not its business.
        var caller = CallContexts.Caller(context);
        var agencyView = !Access.SeesCity(caller) && Access.WardOf(caller) != record.WardId ? Access.AgencyOf(caller) : null;
        var hiddenTasks = new HashSet<string>(StringComparer.Ordinal);
        // Task histories belong to the case's story too: merge them in, by time.
        foreach (var taskId in record.TaskIds)
        {
            if (await grains.GetGrain<ITaskGrain>(taskId).GetWithHistory() is { } task)
            {
                if (agencyView is not null && task.Spec.AssigneeAgencyId != agencyView)
                {
                    hiddenTasks.Add("tasks/" + taskId);
                    continue;
                }
                entries.AddRange(task.History.Select(e => new TimelineEntry(0, e.Time, e.Actor, e.Method, "TASK_" + e.Action, e.Text, "tasks/" + taskId)));
            }
            else if (agencyView is not null)
            {
                hiddenTasks.Add("tasks/" + taskId);
            }
        }
        // So do the reminders that went out about it and its tasks (who was told, when).
        foreach (var r in await reminders.FiredAsync(ReminderTargets.Case, [id!], context.CancellationToken))
        {
            var (vi, en) = CaseFollowUps.Label(r.Detail);
            entries.Add(new TimelineEntry(0, r.FiredAt, Coordination.Silo.Common.Actor.Platform, "", "REMINDER_" + ReminderName(r.Kind), $"{vi} / {en}", "cases/" + id));
        }
        foreach (var r in await reminders.FiredAsync(ReminderTargets.Task, record.TaskIds, context.CancellationToken))
        {
            entries.Add(new TimelineEntry(0, r.FiredAt, Coordination.Silo.Common.Actor.Platform, "", "REMINDER_" + ReminderName(r.Kind), "", "tasks/" + r.TargetId));
        }
        if (agencyView is not null)
        {
            entries.RemoveAll(e => hiddenTasks.Contains(e.Resource));
        }
        var ordered = entries.OrderBy(e => e.Time).ThenBy(e => e.Sequence).Select((e, i) => e with { Sequence = i + 1 }).ToList();
        var skip = after.Length == 0 ? 0 : int.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var response = new ListCaseTimelineResponse();
        response.Entries.AddRange(ordered.Skip(skip).Take(size).Select(e => e.ToMessage()));
        if (ordered.Count > skip + size)
        {
            response.NextPageToken = new PageToken((skip + size).ToString(System.Globalization.CultureInfo.InvariantCulture), request.Name).Encode();
        }
        return response;
    }

    /// <summary>A reminder kind as a timeline action (e.g. TASK_OVERDUE, CASE_DUE_SOON).</summary>
    private static string ReminderName(ReminderKind kind) => kind switch
    {
        ReminderKind.TaskDueSoon => "TASK_DUE_SOON",
        ReminderKind.TaskOverdue => "TASK_OVERDUE",
        ReminderKind.TaskEscalated => "TASK_ESCALATED",
        ReminderKind.TaskEscalatedToCentre => "TASK_ESCALATED_TO_CENTRE",
        ReminderKind.TaskNotAccepted => "TASK_NOT_ACCEPTED",
        ReminderKind.CaseDueSoon => "CASE_DUE_SOON",
        ReminderKind.CaseOverdue => "CASE_OVERDUE",
        ReminderKind.CaseEscalated => "CASE_ESCALATED",
        ReminderKind.CaseReviewDue => "CASE_REVIEW_DUE",
        ReminderKind.CaseLongReview => "CASE_LONG_REVIEW",
        _ => kind.ToString().ToUpperInvariant(),
    };

    /// <inheritdoc/>
    public override async Task<Case> SetCaseSharing(SetCaseSharingRequest request, ServerCallContext context)
    {
        string? agency = null;
        var (id, call) = await Target(request.Name, request.RequestId, context, v =>
        {
            agency = v.ResourceId("agency", request.Agency, "agencies");
            ValidateOverride(v, request.EmergencyOverride, request.EmergencyOverrideReason);
        });
        var record = await grains.GetGrain<Silo.Directory.IAgencyGrain>(agency!).Get()
            ?? throw new InvalidArgumentException("agency", $"Unknown agency {request.Agency} / không có cơ quan này.");
        var emergency = request.EmergencyOverride ? new OverrideRequest(Text.Normalize(request.EmergencyOverrideReason)) : null;
        return Map(await Grain(id).SetSharing(agency!, record.Profile.Kind, request.Shared, emergency, call));
    }

    /// <inheritdoc/>
    public override async Task<Consent> RecordConsent(RecordConsentRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var (id, call) = await Target(request.Parent, request.RequestId, context, v =>
        {
            if (request.Consent is not { } c)
            {
                v.Add("consent", "Required / bắt buộc.");
                return;
            }
            v.Enum("consent.given_by_kind", c.GivenByKind);
            v.Required("consent.given_by_name", c.GivenByName, MaxName);
            v.MaxLength("consent.relationship", c.Relationship, MaxName);
            v.Required("consent.purpose", c.Purpose, 2000);
            v.MaxLength("consent.form_reference", c.FormReference, MaxName);
            if (c.AgencyKinds.Count + c.Agencies.Count > 50)
            {
                v.Add("consent.agencies", "At most 50 agencies and agency kinds / tối đa 50 cơ quan và loại cơ quan.");
                return;
            }
            if (c.DataScopes.Count > 10)
            {
                v.Add("consent.data_scopes", "At most 10 data scopes / tối đa 10 loại dữ liệu.");
                return;
            }
            if (c.AgencyKinds.Count == 0 && c.Agencies.Count == 0)
            {
                v.Add("consent.agencies", "Name at least one agency or agency kind / cần ít nhất một cơ quan hoặc loại cơ quan.");
            }
            for (var i = 0; i < c.AgencyKinds.Count; i++)
            {
                v.Enum($"consent.agency_kinds[{i}]", c.AgencyKinds[i]);
            }
            for (var i = 0; i < c.Agencies.Count; i++)
            {
                v.ResourceId($"consent.agencies[{i}]", c.Agencies[i], "agencies");
            }
            if (c.DataScopes.Count == 0)
            {
                v.Add("consent.data_scopes", "Name at least one kind of data / cần ít nhất một loại dữ liệu.");
            }
            for (var i = 0; i < c.DataScopes.Count; i++)
            {
                v.Enum($"consent.data_scopes[{i}]", c.DataScopes[i]);
            }
            if (c.GiveTime is { } g && g.ToDateTimeOffset() > now.AddMinutes(5))
            {
                v.Add("consent.give_time", "Must not be in the future / không được ở tương lai.");
            }
            if (c.ExpireTime is { } e && e.ToDateTimeOffset() <= (c.GiveTime?.ToDateTimeOffset() ?? now))
            {
                v.Add("consent.expire_time", "Must be after the time it was given / phải sau thời điểm đồng ý.");
            }
        });
        var c = request.Consent!;
        var terms = new ConsentTerms(
            (Silo.Cases.ConsentGiverKind)(int)c.GivenByKind, Text.Normalize(c.GivenByName), Text.Normalize(c.Relationship),
            [.. c.AgencyKinds.Select(k => (Silo.Directory.AgencyKind)(int)k).Distinct()],
            [.. c.Agencies.Select(a => a["agencies/".Length..]).Distinct(StringComparer.Ordinal)],
            [.. c.DataScopes.Select(d => (ConsentScope)(int)d).Distinct()],
            Text.Normalize(c.Purpose), c.GiveTime?.ToDateTimeOffset(), c.ExpireTime?.ToDateTimeOffset(), Text.Normalize(c.FormReference));
        var consent = await Grain(id).RecordConsent(terms, call);
        return consent.ToMessage(id, now);
    }

    /// <inheritdoc/>
    public override async Task<Consent> WithdrawConsent(WithdrawConsentRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        string? caseId = null;
        string? consentId = null;
        var parts = request.Name.Split('/');
        if (parts is ["cases", _, "consents", { Length: > 0 and <= 20 } n] && n.All(char.IsAsciiDigit))
        {
            caseId = v.ServerId("name", parts[0] + "/" + parts[1], "cases");
            consentId = n;
        }
        else
        {
            v.Add("name", "Must be cases/{case}/consents/{consent} / sai định dạng.");
        }
        v.RequestId("request_id", request.RequestId);
        v.Required("reason", request.Reason, 2000);
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(caseId!, call);
        var consent = await Grain(caseId!).WithdrawConsent(consentId!, Text.Normalize(request.Reason), call);
        return consent.ToMessage(caseId!, time.GetUtcNow());
    }

    /// <summary>An emergency override needs its reason; the grain decides who may make one.</summary>
    private static void ValidateOverride(RequestValidation v, bool requested, string reason)
    {
        if (requested)
        {
            v.Required("emergency_override_reason", reason, 2000);
        }
        else
        {
            v.MaxLength("emergency_override_reason", reason, 2000);
        }
    }

    private static readonly HashSet<string> UpdatableCaseFields =
    [
        "source", "reporter", "person", "person.display_name", "person.sex", "person.birth_date",
        "person.approximate_age_years", "person.address", "person.family_contact", "person.do_not_contact", "categories", "account", "case_worker",
    ];

    /// <summary>
    /// Validates the name and request id of a case method plus its own fields, then checks that the
    /// caller may change this case; returns the id and call.
    /// </summary>
    private async Task<(string Id, CallContext Call)> Target(string name, string requestId, ServerCallContext context, Action<RequestValidation> more)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", name, "cases");
        v.RequestId("request_id", requestId);
        more(v);
        v.ThrowIfAny();
        var call = CallContexts.For(context, requestId);
        await Writable(id!, call);
        return (id!, call);
    }

    /// <summary>The case, if the caller may read it (NOT_FOUND only for callers who see the whole city).</summary>
    private async Task<CaseRecord> Readable(string id, string name, ServerCallContext context)
    {
        var caller = CallContexts.Caller(context);
        var record = await Grain(id).Get();
        if (record is null)
        {
            throw Access.SeesCity(caller) ? new NotFoundException(name) : Access.Denied();
        }
        Access.RequireCaseRead(caller, record.WardId, record.SharedAgencies);
        // An agency reads the case only while its share stands: a withdrawn or expired consent ends
        // it at once, whatever the stored list says.
        if (!Access.SeesCity(caller) && Access.WardOf(caller) != record.WardId && Access.AgencyOf(caller) is { } agency)
        {
            var kind = (await agencies.For(agency).Get())?.Profile.Kind ?? Silo.Directory.AgencyKind.Unspecified;
            if (!ConsentRules.SharingStands(record, agency, kind, time.GetUtcNow()))
            {
                throw Access.Denied();
            }
        }
        return record;
    }

    /// <summary>Checks that the caller may change the case.</summary>
    private async Task<CaseRecord> Writable(string id, CallContext call)
    {
        Access.RequireNotReadOnly(call.Actor);
        var record = await Grain(id).Get();
        if (record is null)
        {
            throw Access.SeesCity(call.Actor) ? new NotFoundException("cases/" + id) : Access.Denied();
        }
        Access.RequireWardWrite(call.Actor, record.WardId);
        return record;
    }

    private static void ValidateAssessment(RequestValidation v, Coordination.V1.Assessment? a, bool riskRequired)
    {
        if (a is null)
        {
            v.Add("assessment", "Required / bắt buộc.");
            return;
        }
        v.Enum("assessment.risk_level", a.RiskLevel, riskRequired);
        v.Required("assessment.findings", a.Findings, MaxText);
        if (a.Needs.Count > 50)
        {
            v.Add("assessment.needs", "At most 50 needs / tối đa 50 nhu cầu.");
        }
        for (var i = 0; i < Math.Min(a.Needs.Count, 50); i++)
        {
            v.Required($"assessment.needs[{i}]", a.Needs[i], 500);
        }
    }

    /// <summary>Validates the descriptive fields of a case; <paramref name="fields"/> null means "all" (create).</summary>
    private void ValidateDetails(RequestValidation v, Case c, HashSet<string>? fields)
    {
        bool Has(string f) => fields is null || fields.Contains(f) || (f.StartsWith("person.", StringComparison.Ordinal) && fields.Contains("person"));
        if (fields is not null && fields.Contains("source"))
        {
            v.Enum("case.source", c.Source);
        }
        if (Has("person.display_name") || Has("person.sex") || Has("person.birth_date") || Has("person.approximate_age_years"))
        {
            if (c.Person is null)
            {
                v.Add("case.person", "Required / bắt buộc.");
            }
        }
        if (c.Person is { } p)
        {
            if (Has("person.display_name"))
            {
                v.Required("case.person.display_name", p.DisplayName, MaxName);
            }
            if (Has("person.sex"))
            {
                v.Enum("case.person.sex", p.Sex);
            }
            if (Has("person.birth_date") && p.BirthDate is { } b)
            {
                if (!DateOnly.TryParseExact($"{b.Year:D4}-{b.Month:D2}-{b.Day:D2}", "yyyy-MM-dd", out var date) || b.Year < 1900)
                {
                    v.Add("case.person.birth_date", "Not a valid date / ngày sinh không hợp lệ.");
                }
                else if (date > DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), WorkingCalendar.VietnamTime).DateTime))
                {
                    v.Add("case.person.birth_date", "Must not be in the future / ngày sinh không được ở tương lai.");
                }
            }
            if (Has("person.approximate_age_years") && p.ApproximateAgeYears is < 0 or > 120)
            {
                v.Add("case.person.approximate_age_years", "Must be between 0 and 120 / phải từ 0 đến 120.");
            }
            if (Has("person.address"))
            {
                v.MaxLength("case.person.address", p.Address, 500);
            }
            if (Has("person.family_contact"))
            {
                v.MaxLength("case.person.family_contact", p.FamilyContact, 500);
            }
            if (Has("person.do_not_contact"))
            {
                v.MaxLength("case.person.do_not_contact", p.DoNotContact, 500);
            }
        }
        if (fields is null || fields.Contains("categories"))
        {
            if (c.Categories.Count == 0)
            {
                v.Add("case.categories", "At least one category / cần ít nhất một nhóm đối tượng.");
            }
            for (var i = 0; i < c.Categories.Count; i++)
            {
                v.Enum($"case.categories[{i}]", c.Categories[i]);
            }
        }
        if (fields is null || fields.Contains("account"))
        {
            v.MaxLength("case.account", c.Account, MaxText);
        }
        if (fields is null || fields.Contains("reporter"))
        {
            v.MaxLength("case.reporter.display_name", c.Reporter?.DisplayName, MaxName);
            v.MaxLength("case.reporter.relationship", c.Reporter?.Relationship, MaxName);
            v.MaxLength("case.reporter.phone", c.Reporter?.Phone, 50);
            v.MaxLength("case.reporter.organization", c.Reporter?.Organization, MaxName);
            v.MaxLength("case.reporter.do_not_contact", c.Reporter?.DoNotContact, 500);
        }
        if ((fields is null || fields.Contains("case_worker")) && c.CaseWorker.Length > 0)
        {
            v.ResourceId("case.case_worker", c.CaseWorker, "users");
        }
    }
}

/// <summary>Keyset cursors of time-ordered lists: "ticks|id".</summary>
public static class KeysetCursor
{
    /// <summary>Formats a cursor.</summary>
    public static string Format(DateTimeOffset time, string id) =>
        time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + id;

    /// <summary>Parses a cursor; null for the first page.</summary>
    public static (DateTimeOffset Time, string Id)? Parse(string cursor)
    {
        // Strict: digits only, ticks within DateTimeOffset's range, a non-empty id (a tampered token
        // must be refused as page_token, never throw while the query is built).
        var bar = cursor.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < cursor.Length - 1
            && long.TryParse(cursor.AsSpan(0, bar), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), cursor[(bar + 1)..])
            : null;
    }
}
