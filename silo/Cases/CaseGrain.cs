using Coordination.Silo.Calendar;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.Silo.Feed;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Reminders;
using Coordination.Silo.Tasks;
using Microsoft.Extensions.Options;

namespace Coordination.Silo.Cases;

/// <inheritdoc cref="ICaseGrain"/>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The write lock never allocates a wait handle (WaitAsync only): nothing to dispose.")]
public sealed class CaseGrain : Grain, ICaseGrain
{
    private readonly IPersistentState<CaseState> _state;
    private readonly TimeProvider _time;
    private readonly WorkingCalendar _calendar;
    private readonly CaseClockOptions _clocks;
    private readonly ReadModelSync _sync;
    private readonly FeedStore _feed;
    private readonly FollowUpOptions _followUps;
    private readonly CaseTimelineStore _timeline;
    private IReadOnlyList<ReminderItem>? _scheduled;
    // The latest timeline entry whose notices this activation has published (0 until the first projection).
    private long _notified;
    // Timeline entries up to this one are in the timeline table (written by this activation, whose
    // first projection writes the whole tail again): the next state write drops them from the tail.
    private long _written;
    // Timeline entries up to this one are in the stored state: only those are projected, never one a
    // change interleaved with TrackTask has appended but not stored yet (its write may still fail).
    private long _stored;
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>Creates the grain.</summary>
    public CaseGrain(
        [PersistentState(StorageNames.CaseState, StorageNames.Store)] IPersistentState<CaseState> state,
        ReadModelStore readModel,
        CaseTimelineStore timeline,
        ReminderStore reminders,
        FeedStore feed,
        TimeProvider time,
        WorkingCalendar calendar,
        IOptions<CaseClockOptions> clocks,
        IOptions<FollowUpOptions> followUps)
    {
        _state = state;
        _timeline = timeline;
        _time = time;
        _calendar = calendar;
        _clocks = clocks.Value;
        _feed = feed;
        _followUps = followUps.Value;
        _sync = new ReadModelSync(async () =>
        {
            if (_state.State.Record is not { } r)
            {
                return;
            }
            var caseClocks = CaseClocks.For(r, _calendar, _clocks);
            await readModel.UpsertCaseAsync(r, caseClocks);
            // Notices of the latest change (an emergency, a proposed plan), keyed by timeline entry:
            // a replayed projection (activation, retry after a failure) appends each once.
            var unwritten = CaseTimeline.After(_state.State, _written, _stored);
            if (_state.State.TimelineTail.LastOrDefault(e => e.Sequence <= _stored) is { } last && last.Sequence > _notified)
            {
                foreach (var (inbox, type, title, detail) in CaseFollowUps.OnChange(r, last, caseClocks))
                {
                    await _feed.AppendInboxAsync(inbox, $"case:{r.Id}:t{last.Sequence}:{inbox}", type, last.Time, new InboxItem("", r.Id, "", title, detail));
                }
                _notified = last.Sequence;
            }
            // The timeline entries the table may not have yet (the whole tail once per activation), with
            // the report facts, in one durable transaction; the next state write drops them from the tail.
            if (unwritten.Entries.Count > 0)
            {
                await _timeline.AppendAsync(r.Id, unwritten.Entries,
                    ReportFacts.CaseHistoryCommands(r, unwritten.Entries, unwritten.Steps, unwritten.ChangesStep));
                _written = Math.Max(_written, unwritten.Entries[^1].Sequence);
            }
            // The clocks' reminders, rewritten only when they change (and once per activation).
            var items = CaseFollowUps.For(r, caseClocks, _calendar, _followUps, _time.GetUtcNow());
            if (_scheduled is null || !_scheduled.SequenceEqual(items))
            {
                await reminders.ScheduleAsync(ReminderTargets.Case, r.Id, items);
                _scheduled = items;
            }
        });
    }

    private string Name => "cases/" + this.GetPrimaryKeyString();

    private CaseRecord Current => _state.State.Record ?? throw new NotFoundException(Name);

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A state written before migration 0021 holds its whole timeline: the first projection moves it
        // to the table (idempotently), and a state write right after drops it from the state.
        var upgraded = CaseTimeline.Upgrade(_state.State);
        _stored = _state.State.TimelineLength;
        await _sync.FlushAsync();
        if (upgraded)
        {
            await Write();
        }
    }

    async Task<CaseRecord> ICaseGrain.Open(string wardId, CaseDetails details, DateTimeOffset? reportTime, CallContext call)
    {
        await _sync.FlushAsync();
        if (_state.State.Record is { } existing)
        {
            return _state.State.OpenRequestId == call.RequestId ? existing : throw new AlreadyExistsException(Name);
        }
        var ward = await GrainFactory.GetGrain<IWardGrain>(wardId).Get()
            ?? throw new InvalidArgumentException("case.ward", $"Unknown ward wards/{wardId} / không có phường này.");
        var now = _time.GetUtcNow();
        _state.State.Record = new CaseRecord(
            this.GetPrimaryKeyString(), wardId, ward.Profile.ClusterId, details, reportTime ?? now,
            CaseStep.Received, RiskLevel.Unspecified, null, null, null, [], null, null, null, null,
            call.Actor, 1, now, now);
        _state.State.OpenRequestId = call.RequestId;
        Append(call, "CASE_OPENED", $"Source {details.Source}", "");
        return await Save();
    }

    Task<CaseRecord> ICaseGrain.Update(CaseDetails patch, string[] fields, string? etag, CallContext call) =>
        Mutate(call, etag, CaseAction.Update, c =>
        {
            var set = fields.ToHashSet();
            var d = c.Details;
            var person = d.Person;
            if (set.Contains("person"))
            {
                person = patch.Person;
            }
            else
            {
                person = person with
                {
                    DisplayName = set.Contains("person.display_name") ? patch.Person.DisplayName : person.DisplayName,
                    Sex = set.Contains("person.sex") ? patch.Person.Sex : person.Sex,
                    BirthDate = set.Contains("person.birth_date") ? patch.Person.BirthDate : person.BirthDate,
                    ApproximateAgeYears = set.Contains("person.approximate_age_years") ? patch.Person.ApproximateAgeYears : person.ApproximateAgeYears,
                    Address = set.Contains("person.address") ? patch.Person.Address : person.Address,
                    FamilyContact = set.Contains("person.family_contact") ? patch.Person.FamilyContact : person.FamilyContact,
                    DoNotContact = set.Contains("person.do_not_contact") ? patch.Person.DoNotContact : person.DoNotContact,
                };
            }
            var details = new CaseDetails(
                set.Contains("source") ? patch.Source : d.Source,
                set.Contains("reporter") ? patch.Reporter : d.Reporter,
                person,
                set.Contains("categories") ? patch.Categories : d.Categories,
                set.Contains("account") ? patch.Account : d.Account,
                set.Contains("case_worker") ? patch.CaseWorker : d.CaseWorker);
            return (c with { Details = details }, "CASE_UPDATED", "Fields: " + string.Join(", ", fields.Order()), "");
        });

    Task<CaseRecord> ICaseGrain.RecordInitialAssessment(RiskLevel risk, string findings, string[] needs, string? etag, CallContext call) =>
        Mutate(call, etag, CaseAction.RecordInitialAssessment, c =>
        {
            var assessment = new Assessment(risk, findings, needs, call.Actor, _time.GetUtcNow());
            var step = CaseStateMachine.Next(c.Step, c.Plan?.Status ?? PlanStatus.None, CaseAction.RecordInitialAssessment, risk)!.Value;
            return (c with { InitialAssessment = assessment, Risk = risk, Step = step },
                "INITIAL_ASSESSMENT_RECORDED", $"Risk {risk}; step {step}", "");
        }, risk);

    Task<CaseRecord> ICaseGrain.RecordDetailedAssessment(RiskLevel risk, string findings, string[] needs, string? etag, CallContext call) =>
        Mutate(call, etag, CaseAction.RecordDetailedAssessment, c =>
        {
            var effective = risk == RiskLevel.Unspecified ? c.Risk : risk;
            var assessment = new Assessment(effective, findings, needs, call.Actor, _time.GetUtcNow());
            return (c with { DetailedAssessment = assessment, Risk = effective, Step = CaseStep.Planning },
                "DETAILED_ASSESSMENT_RECORDED", $"Risk {effective}", "");
        });

    Task<CaseRecord> ICaseGrain.ProposePlan(string goal, PlanItem[] items, string? etag, CallContext call) =>
        Mutate(call, etag, CaseAction.ProposePlan, c =>
        {
            var plan = new SupportPlan(goal, items, PlanStatus.Proposed, call.Actor, _time.GetUtcNow(), null, null, "");
            return (c with { Plan = plan, Step = CaseStep.Planning }, "PLAN_PROPOSED", $"{items.Length} items", "");
        });

    Task<CaseRecord> ICaseGrain.DecidePlan(bool approve, string text, string? etag, CallContext call) =>
        Mutate(call, etag, approve ? CaseAction.ApprovePlan : CaseAction.ReturnPlan, c =>
        {
            if (!call.Actor.IsViceChairOf(c.WardId))
            {
                throw new PermissionDeniedException(
                    "Only the ward People's Committee chair or vice-chair decides on the plan / chỉ lãnh đạo UBND phường phê duyệt kế hoạch.");
            }
            var plan = c.Plan! with
            {
                Status = approve ? PlanStatus.Approved : PlanStatus.Returned,
                DecidedBy = call.Actor,
                DecideTime = _time.GetUtcNow(),
                ReturnReason = approve ? "" : text,
            };
            return approve
                ? (c with { Plan = plan, Step = CaseStep.PlanApproved }, "PLAN_APPROVED", text, "")
                : (c with { Plan = plan }, "PLAN_RETURNED", text, "");
        });

    Task<CaseRecord> ICaseGrain.StartIntervention(string? etag, CallContext call) =>
        Mutate(call, etag, CaseAction.StartIntervention, c =>
            (c with { Step = CaseStep.InIntervention, InterventionStartTime = _time.GetUtcNow() }, "INTERVENTION_STARTED", "", ""));

    Task<CaseRecord> ICaseGrain.RecordReview(string summary, ReviewDecision decision, string? etag, CallContext call) =>
        Mutate(call, etag, CaseAction.RecordReview, c =>
        {
            var step = CaseStateMachine.Next(c.Step, c.Plan?.Status ?? PlanStatus.None, CaseAction.RecordReview, decision: decision)!.Value;
            var plan = decision == ReviewDecision.Replan && c.Plan is not null ? c.Plan with { Status = PlanStatus.Returned, ReturnReason = summary } : c.Plan;
            return (c with { Step = step, LastReviewTime = _time.GetUtcNow(), Plan = plan }, "REVIEW_RECORDED", $"{decision}: {summary}", "");
        }, decision: decision);

    Task<CaseRecord> ICaseGrain.AddNote(string text, CallContext call) =>
        Mutate(call, null, CaseAction.AddNote, c => (c, "NOTE_ADDED", text, ""), bumpVersion: false);

    Task<CaseRecord> ICaseGrain.SetConferenceFlag(bool flagged, string reason, CallContext call) =>
        Mutate(call, null, CaseAction.SetConferenceFlag, c =>
            (c with { ConferenceFlag = new ConferenceFlag(flagged, reason, call.Actor, _time.GetUtcNow()) },
             flagged ? "FLAGGED_FOR_CONFERENCE" : "CONFERENCE_FLAG_CLEARED", reason, ""));

    async Task<CaseRecord> ICaseGrain.Close(string reason, string outcome, bool cancelOpenTasks, string? etag, CallContext call)
    {
        await _sync.FlushAsync();
        var c = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return c;
        }
        Etags.Check(Name, etag, c.Version);
        Require(c, CaseAction.Close);
        if (_state.State.OpenTaskIds.Count > 0)
        {
            if (!cancelOpenTasks)
            {
                throw new FailedPreconditionException("CASE_HAS_OPEN_TASKS",
                    $"{Name} has {_state.State.OpenTaskIds.Count} open task(s): finish or cancel them, or close with cancel_open_tasks / còn nhiệm vụ chưa hoàn thành.");
            }
            try
            {
                // Until none is left: a task linked while others were being cancelled is cancelled too.
                while (_state.State.OpenTaskIds.Order().FirstOrDefault() is { } taskId)
                {
                    await GrainFactory.GetGrain<ITaskGrain>(taskId).CancelForCase(reason, call);
                    _state.State.OpenTaskIds.Remove(taskId);
                }
            }
            catch
            {
                // Memory is ahead of storage now: start the next call from what was persisted.
                DeactivateOnIdle();
                throw;
            }
        }
        // Current, not c: a task may have been linked while the tasks were being cancelled.
        _state.State.Record = Bump(Current with
        {
            Step = CaseStep.Closed,
            Closure = new CaseClosure(reason, outcome, call.Actor, _time.GetUtcNow()),
        });
        Append(call, "CASE_CLOSED", reason, "");
        _state.State.Requests.Remember(call.RequestId, _state.State.Record.Version);
        return await Save();
    }

    Task<CaseRecord> ICaseGrain.Reopen(string reason, CallContext call) =>
        Mutate(call, null, CaseAction.Reopen, c =>
            (c with { Step = CaseStep.InitialAssessment, Closure = null }, "CASE_REOPENED", reason, ""));

    Task<CaseRecord> ICaseGrain.SetSharing(string agencyId, bool shared, CallContext call) =>
        Mutate(call, null, CaseAction.Update, c =>
        {
            var set = c.SharedAgencies.ToHashSet();
            _ = shared ? set.Add(agencyId) : set.Remove(agencyId);
            return (c with { SharedWith = [.. set.Order(StringComparer.Ordinal)] },
                shared ? "SHARED_WITH_AGENCY" : "SHARING_STOPPED", "agencies/" + agencyId, "agencies/" + agencyId);
        });

    async Task<CaseRecord> ICaseGrain.SetSharing(string agencyId, AgencyKind kind, bool shared, OverrideRequest? emergency, CallContext call)
    {
        if (!shared)
        {
            return await ((ICaseGrain)this).SetSharing(agencyId, false, call);
        }
        await _sync.FlushAsync();
        var c = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return c;
        }
        Require(c, CaseAction.Update);
        var now = _time.GetUtcNow();
        var scopes = ConsentRules.ForSharing(kind);
        var (covering, missing) = ConsentRules.Cover(c.ConsentList, agencyId, kind, scopes, now);
        if (covering is null && !ConsentRules.Overridden(c.OverrideList, agencyId, scopes))
        {
            if (emergency is null)
            {
                throw ConsentRules.Missing(c.Id, agencyId, kind, missing, "sharing the full record");
            }
            RecordOverride(c, agencyId, scopes, emergency, "SetCaseSharing", "agencies/" + agencyId, call);
        }
        return await ((ICaseGrain)this).SetSharing(agencyId, true, call);
    }

    async Task<CaseConsent> ICaseGrain.RecordConsent(ConsentTerms terms, CallContext call)
    {
        await _sync.FlushAsync();
        var c = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null
            && c.ConsentList.FirstOrDefault(x => x.RequestId == call.RequestId) is { } done)
        {
            return done;
        }
        var consent = AddConsent(c, terms, "", call);
        await Save();
        return consent;
    }

    async Task<CaseConsent> ICaseGrain.WithdrawConsent(string consentId, string reason, CallContext call)
    {
        await _sync.FlushAsync();
        var c = Current;
        var consent = c.ConsentList.FirstOrDefault(x => x.Id == consentId) ?? throw new NotFoundException($"{Name}/consents/{consentId}");
        if (consent.WithdrawTime is not null || _state.State.Requests.Find(call.RequestId) is not null)
        {
            return consent;
        }
        var now = _time.GetUtcNow();
        var withdrawn = consent with { WithdrawTime = now, WithdrawnBy = call.Actor, WithdrawReason = reason };
        var consents = c.ConsentList.Select(x => x.Id == consentId ? withdrawn : x).ToArray();
        var after = c with { Consents = consents };
        // Open tasks of agencies nothing else covers any more: limited to the task and the case
        // summary, and their agencies told, before the withdrawal is stored (a failure then leaves
        // the tasks limited and the call retried, never the other way round).
        var detail = $"Sự đồng ý đã bị rút: chỉ còn nhiệm vụ và tóm tắt hồ sơ / consent withdrawn: only the task and the case summary remain. {reason}";
        foreach (var taskId in _state.State.OpenTaskIds.Order(StringComparer.Ordinal).ToList())
        {
            var task = await GrainFactory.GetGrain<ITaskGrain>(taskId).Get();
            if (task is null || task.ConsentLimitedTime is not null || task.Consent is { EmergencyOverride: true })
            {
                continue;
            }
            var agency = task.Spec.AssigneeAgencyId;
            var kind = (await GrainFactory.GetGrain<IAgencyGrain>(agency).Get())?.Profile.Kind ?? AgencyKind.Unspecified;
            var rested = task.Consent?.ConsentId == consentId || ConsentRules.Names(consent, agency, kind);
            if (rested && !ConsentRules.Covers(consents, agency, kind, ConsentRules.ForReferral(kind), now))
            {
                await GrainFactory.GetGrain<ITaskGrain>(taskId).LimitForConsent(detail, call);
            }
        }
        // Shares the withdrawn consent was the basis of end now.
        var ended = new List<string>();
        foreach (var agency in c.SharedAgencies)
        {
            var kind = (await GrainFactory.GetGrain<IAgencyGrain>(agency).Get())?.Profile.Kind ?? AgencyKind.Unspecified;
            if (!ConsentRules.SharingStands(after, agency, kind, now))
            {
                ended.Add(agency);
            }
        }
        _state.State.Record = Bump(after with { SharedWith = [.. c.SharedAgencies.Except(ended)] });
        Append(call, "CONSENT_WITHDRAWN", reason, $"{Name}/consents/{consentId}");
        foreach (var agency in ended)
        {
            Append(call, "SHARING_STOPPED", "Sự đồng ý đã bị rút / consent withdrawn: agencies/" + agency, "agencies/" + agency);
        }
        _state.State.Requests.Remember(call.RequestId, _state.State.Record.Version);
        await Save();
        return withdrawn;
    }

    async Task<ConsentBasis> ICaseGrain.AuthorizeReferral(string taskId, string agencyId, AgencyKind kind, OverrideRequest? emergency, string? dossierConsentBy, CallContext call)
    {
        await _sync.FlushAsync();
        var c = Current;
        var now = _time.GetUtcNow();
        var scopes = ConsentRules.ForReferral(kind);
        var (covering, missing) = ConsentRules.Cover(c.ConsentList, agencyId, kind, scopes, now);
        if (covering is not null)
        {
            return new ConsentBasis(covering[0].Id, ConsentRules.CoverEnds(covering), false);
        }
        if (_state.State.Requests.Find(call.RequestId) is not null && c.OverrideList.Any(o => o.AgencyId == agencyId && o.Method == "CreateReferral"))
        {
            return new ConsentBasis("", null, true);
        }
        if (emergency is not null)
        {
            RecordOverride(c, agencyId, scopes, emergency, "CreateReferral", "tasks/" + taskId, call);
            _state.State.Requests.Remember(call.RequestId, _state.State.Record!.Version);
            await Save();
            return new ConsentBasis("", null, true);
        }
        if (dossierConsentBy is not null)
        {
            // Older integrations: the dossier's consent flag stands for a consent to this referral.
            var terms = new ConsentTerms(ConsentGiverKind.Unspecified, dossierConsentBy, "", [], [agencyId], [ConsentScope.CaseSummary],
                "Chuyển tuyến (theo hồ sơ chuyển tuyến) / referral (from the referral dossier)", now, null, "");
            var consent = AddConsent(c, terms, "tasks/" + taskId, call);
            await Save();
            return new ConsentBasis(consent.Id, null, false);
        }
        throw ConsentRules.Missing(c.Id, agencyId, kind, missing, "a referral");
    }

    private CaseConsent AddConsent(CaseRecord c, ConsentTerms terms, string source, CallContext call)
    {
        var now = _time.GetUtcNow();
        var id = (c.ConsentList.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var consent = new CaseConsent(id, terms, call.Actor, now, null, null, "", source, call.RequestId);
        _state.State.Record = Bump(c with { Consents = [.. c.ConsentList, consent] });
        var covers = string.Join(", ", terms.AgencyKinds.Select(k => k.ToString()).Concat(terms.AgencyIds.Select(a => "agencies/" + a)));
        var data = string.Join(", ", terms.Scopes.Select(ConsentRules.ContractName));
        var until = terms.ExpireTime is { } end ? $"; until {WorkingCalendar.FormatLocal(end)}" : "";
        Append(call, "CONSENT_RECORDED", $"{terms.GivenByName} ({terms.Relationship}): {covers}; {data}{until}", $"{Name}/consents/{id}");
        _state.State.Requests.Remember(call.RequestId, _state.State.Record.Version);
        return consent;
    }

    private void RecordOverride(CaseRecord c, string agencyId, ConsentScope[] scopes, OverrideRequest emergency, string method, string resource, CallContext call)
    {
        if (!ConsentRules.MayOverride(call.Actor, c.WardId))
        {
            throw new PermissionDeniedException(
                "Only the ward's vice-chair or a Centre coordinator may decide an emergency override / chỉ lãnh đạo UBND phường hoặc điều phối viên Trung tâm được quyết định chuyển khẩn cấp khi chưa có sự đồng ý.");
        }
        var o = new EmergencyOverride(agencyId, scopes, emergency.Reason, call.Actor, _time.GetUtcNow(), method);
        _state.State.Record = Bump(c with { Overrides = [.. c.OverrideList, o] });
        Append(call, "EMERGENCY_OVERRIDE", $"{method} agencies/{agencyId}: {emergency.Reason}", resource);
    }

    async Task ICaseGrain.TrackTask(string taskId, bool open)
    {
        await _sync.FlushAsync();
        var c = Current;
        var known = c.TaskIds.Contains(taskId);
        var changed = open ? _state.State.OpenTaskIds.Add(taskId) : _state.State.OpenTaskIds.Remove(taskId);
        if (known && !changed)
        {
            return;
        }
        if (!known)
        {
            _state.State.Record = Bump(c with { TaskIds = [.. c.TaskIds, taskId] });
        }
        await Write();
    }

    Task<CaseTaskContext?> ICaseGrain.GetTaskContext()
    {
        if (_state.State.Record is not { } c)
        {
            return Task.FromResult<CaseTaskContext?>(null);
        }
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), WorkingCalendar.VietnamTime).DateTime);
        var p = c.Details.Person;
        return Task.FromResult<CaseTaskContext?>(new CaseTaskContext(
            c.WardId, c.Step != CaseStep.Closed, p.DisplayName, p.AgeAt(today), p.Sex, p.Address, p.FamilyContact,
            p.DoNotContact, c.Details.Reporter.DoNotContact));
    }

    Task<CaseRecord?> ICaseGrain.Get() => Task.FromResult(_state.State.Record);

    async Task<bool> ICaseGrain.Remind(ReminderKind kind, string clock, DateTimeOffset dueAt)
    {
        await _sync.FlushAsync();
        if (_state.State.Record is not { } c)
        {
            return false;
        }
        var due = new ReminderItem(kind, dueAt, clock);
        // Whether the case still needs this reminder, judged as just before it fell due (a warning
        // is planned only while ahead of time).
        var current = CaseFollowUps.For(c, CaseClocks.For(c, _calendar, _clocks), _calendar, _followUps, dueAt.AddTicks(-1));
        var notices = CaseFollowUps.Notices(c, current, due);
        var key = "r:" + ReminderStore.Key(c.Id, kind, dueAt, clock);
        var now = _time.GetUtcNow();
        foreach (var (inbox, type, title, detail) in notices)
        {
            await _feed.AppendInboxAsync(inbox, $"{key}:{inbox}", type, now, new InboxItem("", c.Id, "", title, detail));
        }
        return notices.Count > 0;
    }

    async Task<TimelineEntry[]> ICaseGrain.GetTimeline() =>
        _state.State.Record is null ? [] : CaseTimeline.Merge(await _timeline.ReadAsync(this.GetPrimaryKeyString()), _state.State.TimelineTail);

    private async Task<CaseRecord> Mutate(
        CallContext call, string? etag, CaseAction action,
        Func<CaseRecord, (CaseRecord Next, string Action, string Detail, string Resource)> change,
        RiskLevel risk = RiskLevel.Unspecified, ReviewDecision decision = ReviewDecision.Unspecified, bool bumpVersion = true)
    {
        await _sync.FlushAsync();
        var c = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return c;
        }
        Etags.Check(Name, etag, c.Version);
        Require(c, action, risk, decision);
        var (next, name, detail, resource) = change(c);
        _state.State.Record = bumpVersion ? Bump(next) : next;
        Append(call, name, detail, resource);
        _state.State.Requests.Remember(call.RequestId, _state.State.Record.Version);
        return await Save();
    }

    private void Require(CaseRecord c, CaseAction action, RiskLevel risk = RiskLevel.Unspecified, ReviewDecision decision = ReviewDecision.Unspecified)
    {
        if (CaseStateMachine.Next(c.Step, c.Plan?.Status ?? PlanStatus.None, action, risk, decision) is null)
        {
            throw new FailedPreconditionException("INVALID_STEP",
                $"Cannot {action} {Name}: it is at step {c.Step} (plan {c.Plan?.Status ?? PlanStatus.None}) / không thể thực hiện ở bước hiện tại.");
        }
    }

    private CaseRecord Bump(CaseRecord c) => c with { Version = c.Version + 1, UpdateTime = _time.GetUtcNow() };

    private void Append(CallContext call, string action, string detail, string resource) =>
        CaseTimeline.Append(_state.State, new TimelineEntry(
            0, _time.GetUtcNow(), call.Actor, call.Method, action, detail, resource, _state.State.Record?.Step ?? CaseStep.Unspecified));

    private async Task<CaseRecord> Save()
    {
        await Write();
        return _state.State.Record!;
    }

    /// <summary>
    /// One state write at a time: TrackTask interleaves with the other calls. Timeline entries known to
    /// be in the table leave the state with this write.
    /// </summary>
    private async Task Write()
    {
        await _writes.WaitAsync();
        try
        {
            CaseTimeline.Trim(_state.State, _written);
            var length = _state.State.TimelineLength;
            await _state.SaveAsync(_sync, DeactivateOnIdle, () => _stored = Math.Max(_stored, length));
        }
        finally
        {
            _writes.Release();
        }
    }
}
