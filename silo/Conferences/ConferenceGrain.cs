using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.Silo.Intake;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Reminders;
using Coordination.Silo.Tasks;
using Microsoft.Extensions.Options;

namespace Coordination.Silo.Conferences;

/// <inheritdoc cref="IConferenceGrain"/>
public sealed class ConferenceGrain : Grain, IConferenceGrain
{
    private readonly IPersistentState<ConferenceState> _state;
    private readonly ConferenceStore _store;
    private readonly ConferenceNotifier _notifier;
    private readonly ReminderStore _reminders;
    private readonly WorkingCalendar _calendar;
    private readonly ConferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ReadModelSync _sync;
    // The notice this activation already delivered, so later writes do not re-send it.
    private string _sentNoticeKey = "";
    // The preparation reminder this activation last wrote (null: not known), to skip rewriting it.
    private DateTimeOffset? _scheduledPreparation;

    /// <summary>Creates the grain.</summary>
    public ConferenceGrain(
        [PersistentState(StorageNames.ConferenceState, StorageNames.Store)] IPersistentState<ConferenceState> state,
        ConferenceStore store,
        ConferenceNotifier notifier,
        ReminderStore reminders,
        WorkingCalendar calendar,
        IOptions<ConferenceOptions> options,
        TimeProvider time)
    {
        _state = state;
        _store = store;
        _notifier = notifier;
        _reminders = reminders;
        _calendar = calendar;
        _options = options.Value;
        _time = time;
        _sync = new ReadModelSync(Project);
    }

    private string Key => this.GetPrimaryKeyString();

    private string Name
    {
        get
        {
            var (cluster, conference) = ConferenceKeys.Split(Key);
            return $"clusters/{cluster}/conferences/{conference}";
        }
    }

    private ConferenceRecord Current => _state.State.Record ?? throw new NotFoundException(Name);

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _sync.FlushAsync();

    async Task<ConferenceRecord> IConferenceGrain.EnsureRegular(string title, DateTimeOffset startTime, string location)
    {
        await _sync.FlushAsync();
        if (_state.State.Record is { } existing)
        {
            return existing;
        }
        return await Create(ConferenceKind.Regular, title, startTime, location, Actor.Platform);
    }

    async Task<ConferenceRecord> IConferenceGrain.CreateExtraordinary(string title, DateTimeOffset startTime, string location, CallContext call)
    {
        await _sync.FlushAsync();
        if (_state.State.Record is { } existing)
        {
            return _state.State.CreateRequestId == call.RequestId ? existing : throw new AlreadyExistsException(Name);
        }
        _state.State.CreateRequestId = call.RequestId;
        return await Create(ConferenceKind.Extraordinary, title, startTime, location, call.Actor);
    }

    async Task<ConferenceRecord> IConferenceGrain.Reschedule(DateTimeOffset startTime, string location, string reason, string? etag, CallContext call)
    {
        await _sync.FlushAsync();
        var r = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return r;
        }
        Etags.Check(Name, etag, r.Version);
        RequireNotHeld(r, "reschedule");
        var now = _time.GetUtcNow();
        var next = r with
        {
            StartTime = startTime,
            // An agenda already built stays; otherwise the preparation moves with the meeting.
            PreparationTime = r.Status == ConferenceStatus.Scheduled ? PreparationTime(startTime) : r.PreparationTime,
            Location = location.Length > 0 ? location : r.Location,
            RescheduleReason = reason,
            Version = r.Version + 1,
            UpdateTime = now,
        };
        _state.State.Record = next;
        _state.State.Notice = new PendingNotice(ConferenceNotice.Rescheduled, $"conf:{Key}:rescheduled:{next.Version}", now, reason);
        _state.State.Requests.Remember(call.RequestId, next.Version);
        return await Save();
    }

    async Task<ConferenceRecord> IConferenceGrain.Prepare(CallContext call)
    {
        await _sync.FlushAsync();
        var r = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return r;
        }
        RequireNotHeld(r, "prepare");
        await BuildAgenda(r);
        _state.State.Requests.Remember(call.RequestId, _state.State.Record!.Version);
        return await Save();
    }

    async Task<bool> IConferenceGrain.Remind(ReminderKind kind, DateTimeOffset dueAt)
    {
        await _sync.FlushAsync();
        // Only what is still due: a sweep that runs twice, or a reminder of a conference prepared by
        // hand or moved since, ends here without a second agenda. Judged by the reminder's own time,
        // not this host's clock (the sweeping host's may be slightly ahead).
        if (kind != ReminderKind.ConferencePrepare
            || _state.State.Record is not { Status: ConferenceStatus.Scheduled } r
            || !ReminderStore.SameDueTime(dueAt, r.PreparationTime))
        {
            return false;
        }
        await BuildAgenda(r);
        await Save();
        return true;
    }

    async Task<ConferenceRecord> IConferenceGrain.RecordAttendance(Attendee[] attendance, string? etag, CallContext call)
    {
        await _sync.FlushAsync();
        var r = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return r;
        }
        Etags.Check(Name, etag, r.Version);
        _state.State.Record = r with
        {
            Attendance = attendance,
            Status = ConferenceStatus.Held,
            Version = r.Version + 1,
            UpdateTime = _time.GetUtcNow(),
        };
        _state.State.Requests.Remember(call.RequestId, _state.State.Record.Version);
        return await Save();
    }

    async Task<ConferenceRecord> IConferenceGrain.RecordCaseDiscussion(
        string caseId, Guidance[] guidance, string centreProposal, DecisionSpec[] decisions, CallContext call)
    {
        await _sync.FlushAsync();
        var r = Current;
        if (_state.State.Requests.Find(call.RequestId) is not null)
        {
            return r;
        }
        var now = _time.GetUtcNow();
        var violations = new List<FieldViolation>();
        var caseRecord = await GrainFactory.GetGrain<ICaseGrain>(caseId).Get();
        if (caseRecord is null)
        {
            violations.Add(new("case", $"Unknown case cases/{caseId} / không có hồ sơ này."));
        }
        else if (caseRecord.ClusterId != r.ClusterId)
        {
            violations.Add(new("case", $"cases/{caseId} belongs to another cluster / hồ sơ thuộc cụm khác."));
        }
        for (var i = 0; i < guidance.Length; i++)
        {
            if (await GrainFactory.GetGrain<IAgencyGrain>(guidance[i].DepartmentAgencyId).Get() is null)
            {
                violations.Add(new($"guidance[{i}].department", $"Unknown agency agencies/{guidance[i].DepartmentAgencyId} / không có cơ quan này."));
            }
        }
        for (var i = 0; i < decisions.Length; i++)
        {
            if (await GrainFactory.GetGrain<IAgencyGrain>(decisions[i].AssigneeAgencyId).Get() is null)
            {
                violations.Add(new($"decisions[{i}].assignee", $"Unknown agency agencies/{decisions[i].AssigneeAgencyId} / không có cơ quan này."));
            }
            if (decisions[i].DueTime <= now)
            {
                violations.Add(new($"decisions[{i}].due_time", "Must be in the future / hạn phải ở tương lai."));
            }
        }
        if (violations.Count > 0)
        {
            throw new InvalidArgumentException(violations);
        }
        if (decisions.Length > 0 && caseRecord!.Step == CaseStep.Closed)
        {
            throw new FailedPreconditionException("CASE_CLOSED", $"cases/{caseId} is closed: reopen it before assigning actions / hồ sơ đã đóng.");
        }
        // Each decision becomes a task under an id tied to this request and position: a retry after
        // a partial failure reaches the same tasks instead of creating new ones.
        var made = new List<Decision>();
        for (var i = 0; i < decisions.Length; i++)
        {
            var d = decisions[i];
            var spec = new TaskSpec(
                TaskKind.ConferenceAction, caseId, "", d.AssigneeAgencyId, TaskTitle(r, d.Text), d.Text,
                TaskPriority.Routine, d.DueTime, null, "", Key);
            var task = await GrainFactory.GetGrain<IIntakeGrain>(0).CreateTask(spec, call with { RequestId = $"{call.RequestId}/decision-{i}" });
            made.Add(new Decision(d.Text, d.AssigneeAgencyId, d.DueTime, task.Id));
        }
        var previous = r.Discussions.FirstOrDefault(x => x.CaseId == caseId);
        var discussion = new CaseDiscussion(caseId, guidance, centreProposal, [.. previous?.Decisions ?? [], .. made], call.Actor, now);
        _state.State.Record = r with
        {
            Discussions = previous is null ? [.. r.Discussions, discussion] : [.. r.Discussions.Select(x => x.CaseId == caseId ? discussion : x)],
            Status = ConferenceStatus.Held,
            Version = r.Version + 1,
            UpdateTime = now,
        };
        _state.State.Requests.Remember(call.RequestId, _state.State.Record.Version);
        return await Save();
    }

    Task<ConferenceRecord?> IConferenceGrain.Get() => Task.FromResult(_state.State.Record);

    private async Task<ConferenceRecord> Create(ConferenceKind kind, string title, DateTimeOffset startTime, string location, Actor by)
    {
        var (cluster, conference) = ConferenceKeys.Split(Key);
        var now = _time.GetUtcNow();
        var record = new ConferenceRecord(
            conference, cluster, ConferenceKeys.QuarterOf(startTime), kind, ConferenceStatus.Scheduled, title,
            startTime, PreparationTime(startTime), location, [], null, [], [], "", by, 1, now, now);
        _state.State.Record = record;
        // An extraordinary conference is news; the regular one is planned a quarter ahead on a known
        // calendar, and its participants hear of it when its agenda is ready.
        _state.State.Notice = kind == ConferenceKind.Extraordinary
            ? new PendingNotice(ConferenceNotice.Scheduled, $"conf:{Key}:scheduled", now, "")
            : null;
        return await Save();
    }

    private DateTimeOffset PreparationTime(DateTimeOffset startTime) =>
        ConferenceKeys.PreparationTime(_calendar, startTime, _options.PreparationWorkingDays);

    private async Task BuildAgenda(ConferenceRecord r)
    {
        var now = _time.GetUtcNow();
        var wards = await ClusterWards(r.ClusterId);
        var candidates = await _store.AgendaCandidatesAsync(wards, now, AgendaRules.LongOpenBefore(now), AgendaRules.EmergencyWindowStart(now));
        var agenda = AgendaRules.Build(candidates, now);
        var next = r with
        {
            Agenda = agenda,
            AgendaTime = now,
            Status = ConferenceStatus.Prepared,
            Version = r.Version + 1,
            UpdateTime = now,
        };
        _state.State.Record = next;
        _state.State.Notice = new PendingNotice(ConferenceNotice.AgendaReady, $"conf:{Key}:agenda:{next.Version}", now,
            $"{agenda.Length} trường hợp / cases");
    }

    private async Task<string[]> ClusterWards(string clusterId) =>
        (await GrainFactory.GetGrain<IClusterGrain>(clusterId).Get())?.Profile.WardIds ?? [];

    private void RequireNotHeld(ConferenceRecord r, string what)
    {
        if (r.Status == ConferenceStatus.Held)
        {
            throw new FailedPreconditionException("CONFERENCE_HELD", $"Cannot {what} {Name}: it was already held / hội thảo đã diễn ra.");
        }
    }

    private static string TaskTitle(ConferenceRecord r, string text)
    {
        var title = $"Hội thảo ca {r.Quarter}: {text}";
        return title.Length <= 200 ? title : title[..199] + "…";
    }

    private async Task Project()
    {
        if (_state.State.Record is not { } r)
        {
            return;
        }
        await _store.UpsertAsync(r);
        // The preparation is a row of the shared reminders table while the agenda is not built:
        // swept by one host at a time, delivered once, moved when the conference moves.
        var due = r.Status == ConferenceStatus.Scheduled ? r.PreparationTime : DateTimeOffset.MinValue;
        if (_scheduledPreparation != due)
        {
            await _reminders.ScheduleAsync(ReminderTargets.Conference, r.Key,
                r.Status == ConferenceStatus.Scheduled ? [new ReminderItem(ReminderKind.ConferencePrepare, r.PreparationTime)] : []);
            _scheduledPreparation = due;
        }
        if (_state.State.Notice is { } notice && notice.EventKey != _sentNoticeKey)
        {
            // Idempotent per event key: re-sent once per activation (a crash may have cut the last
            // send short), never duplicated in a feed.
            await _notifier.SendAsync(r, notice, await ClusterWards(r.ClusterId));
            _sentNoticeKey = notice.EventKey;
        }
    }

    private async Task<ConferenceRecord> Save()
    {
        await _state.SaveAsync(_sync, DeactivateOnIdle);
        return _state.State.Record!;
    }
}
