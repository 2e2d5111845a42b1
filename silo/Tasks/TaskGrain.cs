using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.Silo.Calendar;
using Coordination.Silo.Feed;
using Coordination.Silo.Reminders;
using Microsoft.Extensions.Options;
using Coordination.Silo.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace Coordination.Silo.Tasks;

/// <inheritdoc cref="ITaskGrain"/>
public sealed class TaskGrain : Grain, ITaskGrain
{
    private readonly TaskStore _store;
    private readonly FeedStore _feed;
    private readonly ReminderStore _reminders;
    private readonly WorkingCalendar _calendar;
    private readonly FollowUpOptions _followUpOptions;
    private readonly TimeProvider _time;
    // The state as last written (or read), and the etag its next write must name: 0 while the task
    // store has no row for this task.
    private TaskState _state = new();
    private long _etag;
    // Set while the case itself is cancelling this task: the case updates its own index, and a call
    // back into it would deadlock.
    private bool _caseIsCaller;
    // Whether the indexes (reminders, the case) last heard "open" from this activation; null until
    // they are told once. Most transitions keep a task open, so most need no index call at all.
    private bool? _indexedOpen;

    /// <summary>Creates the grain.</summary>
    public TaskGrain(
        TaskStore store,
        FeedStore feed,
        ReminderStore reminders,
        WorkingCalendar calendar,
        IOptions<FollowUpOptions> followUpOptions,
        TimeProvider time)
    {
        _store = store;
        _reminders = reminders;
        _calendar = calendar;
        _followUpOptions = followUpOptions.Value;
        _feed = feed;
        _time = time;
    }

    private string Name => "tasks/" + this.GetPrimaryKeyString();

    /// <summary>
    /// Loads the state. A task written before the task store existed has its state in Orleans' grain
    /// storage: it is moved here at once (state and whole history, one transaction), so that the
    /// history a reader asks for is complete from the first call on.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await _store.LoadAsync(this.GetPrimaryKeyString(), cancellationToken) is { } stored)
        {
            (_state, _etag) = (stored.State, stored.Etag);
        }
        else if (await ReadLegacyStateAsync() is { Record: { } legacy } old)
        {
            _state = new TaskState
            {
                Record = legacy with { History = legacy.History.Length > 0 ? [legacy.History[^1]] : [] },
                CreateRequestId = old.CreateRequestId,
                Requests = old.Requests,
                HistoryLength = legacy.History.Length,
                Milestones = TaskMilestones.Of(legacy),
            };
            // Its feed event, read-model row and reminders are written again with it: with the old
            // storage, a crash between its separate commits may have left them behind.
            await WriteAsync(1, legacy.History);
        }
        await IndexAsync();
    }

    private async Task<TaskState?> ReadLegacyStateAsync()
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store);
        var legacy = new GrainState<TaskState>(new TaskState());
        await storage.ReadStateAsync(StorageNames.TaskState, this.GetGrainId(), legacy);
        return legacy.RecordExists ? legacy.State : null;
    }

    async Task<TaskRecord> ITaskGrain.Create(TaskSpec spec, CallContext call)
    {
        if (_state.Record is { } existing)
        {
            return _state.CreateRequestId == call.RequestId ? existing : throw new AlreadyExistsException(Name);
        }
        var now = _time.GetUtcNow();
        var violations = new List<FieldViolation>();
        var assignee = GrainFactory.GetGrain<IAgencyGrain>(spec.AssigneeAgencyId);
        ServiceRecord? service = null;
        var agency = await assignee.Get();
        if (agency is null)
        {
            violations.Add(new("assignee", $"Unknown agency agencies/{spec.AssigneeAgencyId} / không có cơ quan này."));
        }
        else if (spec.Service is { } wanted)
        {
            service = await assignee.GetService(wanted.ServiceId);
            if (service is null)
            {
                violations.Add(new("service", $"agencies/{spec.AssigneeAgencyId} offers no service '{wanted.ServiceId}' / cơ quan không có dịch vụ này."));
            }
        }
        // A due time left at its default asks for the service's response time, counted from now.
        var due = ServiceRules.DueTime(spec.DueTime == default ? null : spec.DueTime, service, now, _calendar);
        if (due is null && spec.Service is null)
        {
            violations.Add(new("due_time", "Required / bắt buộc."));
        }
        else if (due <= now)
        {
            violations.Add(new("due_time", "Must be in the future / hạn phải ở tương lai."));
        }
        if (service is not null && violations.Count == 0)
        {
            ServiceRules.RequireTakesNewPeople(service);
            spec = spec with
            {
                DueTime = due!.Value,
                Service = new TaskServiceRef(service.Id, service.Profile.DisplayName, service.Profile.Capacity),
            };
        }
        TaskCaseSummary? summary = null;
        var wardId = spec.WardId;
        if (spec.CaseId.Length > 0)
        {
            var context = await GrainFactory.GetGrain<ICaseGrain>(spec.CaseId).GetTaskContext();
            // A case of another ward is answered exactly as a case that does not exist (no existence
            // oracle): same status, same field, same words, and before any check of its state.
            if (context is null || (wardId.Length > 0 && wardId != context.WardId))
            {
                violations.Add(new("case", $"Unknown case cases/{spec.CaseId} / không có hồ sơ này."));
            }
            else
            {
                if (!context.Open && violations.Count == 0)
                {
                    throw new FailedPreconditionException("CASE_CLOSED", $"cases/{spec.CaseId} is closed / hồ sơ đã đóng.");
                }
                wardId = context.WardId;
                summary = new TaskCaseSummary(context.PersonName, context.AgeYears, context.Sex.ToString(), context.WardId, context.Address, context.FamilyContact,
                    context.PersonDoNotContact, context.ReporterDoNotContact);
            }
        }
        else if (wardId.Length > 0 && await GrainFactory.GetGrain<IWardGrain>(wardId).Get() is null)
        {
            violations.Add(new("ward", $"Unknown ward wards/{wardId} / không có phường này."));
        }
        if (violations.Count > 0)
        {
            throw new InvalidArgumentException(violations);
        }
        // A referral passes the case summary to the agency: only on a consent, or an emergency override.
        ConsentBasis? basis = null;
        if (spec.Kind == TaskKind.Referral && spec.CaseId.Length > 0)
        {
            basis = await GrainFactory.GetGrain<ICaseGrain>(spec.CaseId).AuthorizeReferral(
                this.GetPrimaryKeyString(), spec.AssigneeAgencyId, agency!.Profile.Kind, spec.Emergency,
                spec.Dossier is { ConsentGiven: true } d ? d.ConsentBy : null, call);
        }
        var created = new TaskEvent(now, call.Actor, "CREATED", TaskStatus.Requested, spec.Title, call.Method);
        _state.Record = new TaskRecord(
            this.GetPrimaryKeyString(), spec with { WardId = wardId }, TaskStatus.Requested, call.Actor, summary, null, "", false, "",
            [created], 1, now, now, Consent: basis);
        _state.CreateRequestId = call.RequestId;
        _state.Requests.Remember(call.RequestId, 1);
        return await Save();
    }

    async Task<TaskRecord> ITaskGrain.Apply(TaskStep step, CallContext call)
    {
        var r = _state.Record ?? throw new NotFoundException(Name);
        if (_state.Requests.Find(call.RequestId) is not null)
        {
            return r;
        }
        var (action, text, outcome) = (step.Action, step.Text, step.Outcome);
        var code = TaskCodes.TakesReasonCode(action) ? step.ReasonCode : TaskReasonCode.Unspecified;
        var next = Authorize(r, action, call.Actor);
        if (action is TaskAction.ReviewOutcome or TaskAction.SendBackOutcome && r.OutcomeReviewed)
        {
            throw new FailedPreconditionException("OUTCOME_ALREADY_REVIEWED", $"The outcome of {Name} was already reviewed / kết quả đã được xem xét.");
        }
        if (!TaskCodes.IsKnown(code))
        {
            throw new InvalidArgumentException("reason_code", "Unknown reason code / mã lý do không hợp lệ.");
        }
        if (TaskCodes.NeedsText(action, code) && string.IsNullOrWhiteSpace(text))
        {
            throw action == TaskAction.SendBackOutcome
                ? new InvalidArgumentException("comment", "Required: say what is missing / cần nêu lý do gửi lại.")
                : new InvalidArgumentException("reason", "Required: say why / cần nêu lý do.");
        }
        if (action == TaskAction.Complete && outcome is null)
        {
            throw new InvalidArgumentException("outcome", "Required: what was done and the result / cần báo cáo kết quả.");
        }
        if (action == TaskAction.SendBackOutcome && r.Spec.CaseId.Length > 0
            && await GrainFactory.GetGrain<ICaseGrain>(r.Spec.CaseId).GetTaskContext() is { Open: false })
        {
            throw new FailedPreconditionException("CASE_CLOSED", $"cases/{r.Spec.CaseId} is closed: the outcome cannot be sent back / hồ sơ đã đóng.");
        }
        if (TaskCodes.TakesReasonCode(action))
        {
            text = TaskCodes.ReasonText(text, code);
        }
        var reason = action is TaskAction.Reject or TaskAction.Hold or TaskAction.Fail or TaskAction.Cancel or TaskAction.SendBackOutcome ? text : r.StatusReason;
        var now = _time.GetUtcNow();
        _state.Record = r with
        {
            Status = next,
            StatusReason = next == r.Status && action != TaskAction.Hold ? r.StatusReason : reason,
            StatusReasonCode = TaskCodes.TakesReasonCode(action) ? code : r.StatusReasonCode,
            Outcome = action == TaskAction.Complete ? outcome : r.Outcome,
            OutcomeReviewed = r.OutcomeReviewed || action == TaskAction.ReviewOutcome,
            OutcomeSendBacks = r.OutcomeSendBacks + (action == TaskAction.SendBackOutcome ? 1 : 0),
            History = [new TaskEvent(now, call.Actor, EventName(action), next, text, call.Method, code,
                action == TaskAction.Complete ? outcome!.OutcomeCode : TaskOutcomeCode.Unspecified)],
            Version = r.Version + 1,
            UpdateTime = now,
        };
        _state.Requests.Remember(call.RequestId, _state.Record.Version);
        return await Save();
    }

    async Task<TaskRecord> ITaskGrain.Reassign(string newTaskId, string assigneeAgencyId, DateTimeOffset? dueTime, string reason, CallContext call)
    {
        var r = _state.Record ?? throw new NotFoundException(Name);
        if (_state.Requests.Find(call.RequestId) is not null)
        {
            // A retry answers with the replacement; an id first used for another step of this task
            // (no replacement then) answers with the task, as every other repeated request does.
            return r.ReplacedBy.Length > 0 ? await GrainFactory.GetGrain<ITaskGrain>(r.ReplacedBy).Get() ?? r : r;
        }
        var next = Authorize(r, TaskAction.Reassign, call.Actor);
        if (assigneeAgencyId == r.Spec.AssigneeAgencyId)
        {
            throw new InvalidArgumentException("assignee", "Choose another agency than the current one / chọn cơ quan khác.");
        }
        var due = dueTime ?? (r.Spec.DueTime > _time.GetUtcNow() ? r.Spec.DueTime : (DateTimeOffset?)null)
            ?? throw new InvalidArgumentException("due_time", "The old due time has passed: give a new one / hạn cũ đã qua, cần hạn mới.");
        // The service belonged to the old agency's catalogue: the replacement names none.
        // An emergency override was decided for the first agency only: the new one needs its own basis.
        var spec = r.Spec with { AssigneeAgencyId = assigneeAgencyId, DueTime = due, Replaces = this.GetPrimaryKeyString(), Service = null, Emergency = null };
        // The new task keeps the original assigner: whoever reassigns acts in the same office.
        var replacement = await GrainFactory.GetGrain<ITaskGrain>(newTaskId).Create(spec, call with { Actor = r.Assigner });
        _state.Record = r with
        {
            Status = next,
            StatusReason = next == TaskStatus.Cancelled ? reason : r.StatusReason,
            ReplacedBy = newTaskId,
            History = [new TaskEvent(_time.GetUtcNow(), call.Actor, "REASSIGNED", next, $"{reason} → tasks/{newTaskId}", call.Method)],
            Version = r.Version + 1,
            UpdateTime = _time.GetUtcNow(),
        };
        _state.Requests.Remember(call.RequestId, _state.Record.Version);
        await Save();
        return replacement;
    }

    async Task<TaskRecord?> ITaskGrain.CancelForCase(string reason, CallContext call)
    {
        if (_state.Record is not { } r || !TaskStateMachine.IsOpen(r.Status))
        {
            return _state.Record;
        }
        _state.Record = r with
        {
            Status = TaskStatus.Cancelled,
            StatusReason = reason,
            History = [new TaskEvent(_time.GetUtcNow(), call.Actor, "CANCELLED_WITH_CASE", TaskStatus.Cancelled, reason, call.Method)],
            Version = r.Version + 1,
            UpdateTime = _time.GetUtcNow(),
        };
        _caseIsCaller = true;
        try
        {
            return await Save();
        }
        finally
        {
            _caseIsCaller = false;
        }
    }

    async Task<TaskRecord?> ITaskGrain.LimitForConsent(string text, CallContext call)
    {
        if (_state.Record is not { } r || r.ConsentLimitedTime is not null)
        {
            return _state.Record;
        }
        var now = _time.GetUtcNow();
        _state.Record = r with
        {
            ConsentLimitedTime = now,
            History = [new TaskEvent(now, call.Actor, "CONSENT_WITHDRAWN", r.Status, text, call.Method)],
            Version = r.Version + 1,
            UpdateTime = now,
        };
        // The case is the caller (it is withdrawing the consent): it keeps its own index.
        _caseIsCaller = true;
        try
        {
            return await Save();
        }
        finally
        {
            _caseIsCaller = false;
        }
    }

    async Task<bool> ITaskGrain.Remind(ReminderKind kind, DateTimeOffset dueAt)
    {
        if (_state.Record is not { } r || !TaskStateMachine.IsOpen(r.Status)
            || (kind == ReminderKind.TaskNotAccepted && r.Status is not (TaskStatus.Requested or TaskStatus.Received)))
        {
            return false;
        }
        var key = "r:" + ReminderStore.Key(r.Id, kind, dueAt);
        var now = _time.GetUtcNow();
        var office = Inboxes.OfficeOf(r.Assigner);
        var late = $"Hạn {WorkingCalendar.FormatLocal(r.Spec.DueTime)} / due {WorkingCalendar.FormatLocal(r.Spec.DueTime)}";
        switch (kind)
        {
            case ReminderKind.TaskDueSoon:
                await _feed.AppendAsync(r.Spec.AssigneeAgencyId, key, FeedEventType.DueSoon, now, r, "Sắp đến hạn / due soon");
                break;
            case ReminderKind.TaskOverdue:
                await _feed.AppendAsync(r.Spec.AssigneeAgencyId, key, FeedEventType.Overdue, now, r, "Quá hạn / overdue");
                break;
            case ReminderKind.TaskEscalated:
                // The agency learns that its lateness was reported; the assigner's office must act.
                await _feed.AppendAsync(r.Spec.AssigneeAgencyId, key, FeedEventType.Escalated, now, r,
                    "Đã báo cáo lên cấp trên vì quá hạn / escalated for being late");
                await _feed.AppendInboxAsync(office, key + ":office", InboxEventType.TaskEscalated, now,
                    Item(r, $"Nhiệm vụ quá hạn: {r.Spec.Title} / task overdue", late));
                break;
            case ReminderKind.TaskEscalatedToCentre:
                await _feed.AppendInboxAsync(Inboxes.Centre, key, InboxEventType.TaskEscalated, now,
                    Item(r, $"Nhiệm vụ vẫn quá hạn: {r.Spec.Title} / task still overdue", late));
                break;
            case ReminderKind.TaskNotAccepted:
                var detail = $"Chưa được tiếp nhận sau {_followUpOptions.EmergencyAcceptWithin.TotalMinutes:0} phút / not accepted within {_followUpOptions.EmergencyAcceptWithin.TotalMinutes:0} minutes";
                var item = Item(r, $"Nhiệm vụ khẩn cấp chưa được nhận: {r.Spec.Title} / emergency task not accepted", detail);
                await _feed.AppendInboxAsync(office, key + ":office", InboxEventType.TaskNotAccepted, now, item);
                if (office != Inboxes.Centre)
                {
                    await _feed.AppendInboxAsync(Inboxes.Centre, key + ":centre", InboxEventType.TaskNotAccepted, now, item);
                }
                break;
            default:
                return false;
        }
        return true;
    }

    private static InboxItem Item(TaskRecord r, string title, string detail) => new(r.Id, r.Spec.CaseId, "", title, detail);

    Task<TaskRecord?> ITaskGrain.Get() => Task.FromResult(_state.Record);

    async Task<TaskRecord?> ITaskGrain.GetWithHistory() =>
        _state.Record is { } r ? r with { History = await _store.HistoryAsync(r.Id, CancellationToken.None) } : null;

    private TaskStatus Authorize(TaskRecord r, TaskAction action, Actor actor)
    {
        var allowed = TaskStateMachine.PartyFor(action) switch
        {
            TaskParty.Assignee => actor.ActsFor(r.Spec.AssigneeAgencyId),
            TaskParty.Assigner => actor.SameOfficeAs(r.Assigner),
            _ => actor.ActsFor(r.Spec.AssigneeAgencyId) || actor.SameOfficeAs(r.Assigner),
        };
        if (!allowed)
        {
            throw new PermissionDeniedException(TaskStateMachine.PartyFor(action) == TaskParty.Assigner
                ? "Only the assigner may do this to the task / chỉ người giao nhiệm vụ được thực hiện."
                : "Only the addressed agency may do this to the task / chỉ cơ quan được giao được thực hiện.");
        }
        return TaskStateMachine.Next(r.Status, action)
            ?? throw new FailedPreconditionException("INVALID_TRANSITION",
                $"Cannot {action} {Name}: its status is {r.Status} / không thể chuyển trạng thái từ {r.Status}.");
    }

    private static string EventName(TaskAction action) => action switch
    {
        TaskAction.Receive => "RECEIVED",
        TaskAction.Accept => "ACCEPTED",
        TaskAction.Reject => "REJECTED",
        TaskAction.Start => "STARTED",
        TaskAction.Hold => "ON_HOLD",
        TaskAction.ReportProgress => "PROGRESS",
        TaskAction.Complete => "COMPLETED",
        TaskAction.Fail => "FAILED",
        TaskAction.Cancel => "CANCELLED",
        TaskAction.Reassign => "REASSIGNED",
        TaskAction.ReviewOutcome => "OUTCOME_REVIEWED",
        TaskAction.SendBackOutcome => "OUTCOME_SENT_BACK",
        _ => "COMMENT",
    };

    /// <summary>
    /// Writes the change just made to the state (its record's history holds the one new entry) and
    /// everything it implies, in one transaction; then tells the case if the task opened or closed.
    /// </summary>
    private async Task<TaskRecord> Save()
    {
        var record = _state.Record!;
        var added = record.History;
        _state.Milestones = added.Aggregate(_state.Milestones, (m, e) => m.With(e));
        var first = _state.HistoryLength + 1;
        _state.HistoryLength += added.Length;
        await WriteAsync(first, added);
        PlatformMetrics.TaskTransitions.Add(1, new KeyValuePair<string, object?>("action", added.Length > 0 ? added[^1].Action : ""));
        return record;
    }

    /// <summary>
    /// One transaction: the state, history entries <paramref name="firstSeq"/>… (<paramref name="added"/>),
    /// the agency's feed event and the assigner's notice for the latest entry (keyed by version, so a
    /// rewrite appends nothing twice), the read-model row, and the reminders when the task opened or
    /// closed. If it fails, the in-memory state is ahead of storage: the activation is dropped and the
    /// next call starts from what was stored.
    /// </summary>
    private async Task WriteAsync(long firstSeq, IReadOnlyList<TaskEvent> added)
    {
        var r = _state.Record!;
        var open = TaskStateMachine.IsOpen(r.Status);
        var writes = new List<NpgsqlBatchCommand> { ReadModelStore.TaskUpsert(r, _state.Milestones) };
        // Follow-ups: scheduled while the task is open, removed the moment it is final.
        if (_indexedOpen != open)
        {
            writes.AddRange(open
                ? ReminderStore.ScheduleCommands(ReminderTargets.Task, r.Id, TaskFollowUps.For(r, _calendar, _followUpOptions, _time.GetUtcNow()))
                : [ReminderStore.CancelCommand(ReminderTargets.Task, r.Id)]);
        }
        // Feed appends last: the feed's counter row stays locked from there to the commit.
        var feeds = new List<string>();
        if (r.History.Length > 0 && FeedEvents.For(r) is { } e)
        {
            writes.Add(FeedStore.TaskAppend(r.Spec.AssigneeAgencyId, $"{r.Id}:{r.Version}:{(int)e.Type}", e.Type, r.UpdateTime, r, e.Detail));
            feeds.Add(r.Spec.AssigneeAgencyId);
        }
        if (r.History.Length > 0 && FeedEvents.ForAssigner(r) is { } notice)
        {
            var office = Inboxes.OfficeOf(r.Assigner);
            writes.Add(FeedStore.InboxAppend(office, $"{r.Id}:{r.Version}:office:{(int)notice.Type}", notice.Type, r.UpdateTime,
                Item(r, notice.Title, notice.Detail)));
            feeds.Add(office);
        }
        try
        {
            _etag = await _store.WriteAsync(r.Id, _etag, _state, firstSeq, added, writes);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        FaultInjection.At(FaultInjection.AfterStateWrite);
        foreach (var feedId in feeds)
        {
            _feed.Notify(feedId);
        }
        if (_indexedOpen == open)
        {
            return;
        }
        if (r.Spec.CaseId.Length > 0 && !_caseIsCaller)
        {
            try
            {
                await GrainFactory.GetGrain<ICaseGrain>(r.Spec.CaseId).TrackTask(r.Id, open);
            }
            catch
            {
                // The change is stored; the next activation tells the case again (IndexAsync).
                DeactivateOnIdle();
                throw;
            }
        }
        _indexedOpen = _caseIsCaller ? null : open;
    }

    /// <summary>
    /// Tells the reminders and the case whether the task is open, once per activation: this also
    /// schedules the follow-ups of tasks stored before reminders existed (FollowUpBackfill activates them).
    /// </summary>
    private async Task IndexAsync()
    {
        if (_state.Record is not { } r || _indexedOpen == TaskStateMachine.IsOpen(r.Status))
        {
            return;
        }
        var open = TaskStateMachine.IsOpen(r.Status);
        if (open)
        {
            await _reminders.ScheduleAsync(ReminderTargets.Task, r.Id, TaskFollowUps.For(r, _calendar, _followUpOptions, _time.GetUtcNow()));
        }
        else
        {
            await _reminders.CancelAsync(ReminderTargets.Task, r.Id);
        }
        if (r.Spec.CaseId.Length > 0)
        {
            await GrainFactory.GetGrain<ICaseGrain>(r.Spec.CaseId).TrackTask(r.Id, open);
        }
        _indexedOpen = open;
    }
}
