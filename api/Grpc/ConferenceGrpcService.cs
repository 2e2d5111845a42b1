using System.Text.RegularExpressions;
using Coordination.Api.Identity;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Conferences;
using Coordination.Silo.Directory;
using Coordination.Silo.Tasks;
using Coordination.V1;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Attendee = Coordination.Silo.Conferences.Attendee;
using Guidance = Coordination.Silo.Conferences.Guidance;
using ConferenceMinutes = Coordination.V1.ConferenceMinutes;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>gRPC adapter of case conferences: validate, authorise, call one grain or read-model query, map back.</summary>
public sealed partial class ConferenceGrpcService(IGrainFactory grains, ConferenceStore store, TimeProvider time)
    : ConferenceService.ConferenceServiceBase
{
    private const int MaxText = 10_000;
    private const int MaxName = 200;
    private const int MaxItems = 100;

    /// <inheritdoc/>
    public override async Task<Conference> GetConference(GetConferenceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (cluster, id) = ConferenceName(v, "name", request.Name);
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        return (await Visible(await Readable(cluster!, id!, caller), caller)).ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ListConferencesResponse> ListConferences(ListConferencesRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var cluster = request.Parent == "clusters/-" ? null : v.ResourceId("parent", request.Parent, "clusters");
        var filterKey = "conferences:" + (cluster ?? "-");
        var (size, after) = v.Page(request.PageSize, request.PageToken, filterKey, PageCursor.Keyset);
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        string[]? clusters = null;
        if (!Access.SeesCity(caller))
        {
            // Outside the city-wide roles one sees one's own cluster only.
            var own = await CallerCluster(caller);
            if (cluster is not null)
            {
                Access.RequireConferenceRead(caller, cluster, own);
            }
            clusters = own is null ? throw Access.Denied() : [own];
        }
        else if (cluster is not null)
        {
            clusters = [cluster];
        }
        var rows = await store.ListAsync(clusters, KeysetCursor.Parse(after), size + 1, context.CancellationToken);
        var response = new ListConferencesResponse();
        foreach (var row in rows.Take(size))
        {
            response.Conferences.Add((await Visible(row, caller)).ToMessage());
        }
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = new PageToken(KeysetCursor.Format(last.StartTime, last.Key), filterKey).Encode();
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task<Conference> CreateConference(CreateConferenceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var cluster = v.ResourceId("parent", request.Parent, "clusters");
        v.RequestId("request_id", request.RequestId);
        if (request.Conference is not { } c)
        {
            v.Add("conference", "Required / bắt buộc.");
        }
        else
        {
            FutureTime(v, "conference.start_time", c.StartTime);
            v.MaxLength("conference.title", c.Title, MaxName);
            v.MaxLength("conference.location", c.Location, MaxName);
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        Access.RequireCoordinator(call.Actor);
        var clusterRecord = await grains.GetGrain<IClusterGrain>(cluster!).Get()
            ?? throw new InvalidArgumentException("parent", $"Unknown cluster clusters/{cluster} / không có cụm này.");
        var start = request.Conference!.StartTime.ToDateTimeOffset();
        var quarter = ConferenceKeys.QuarterOf(start);
        var id = await store.AllocateExtraordinaryAsync(cluster!, quarter, call.Actor.Principal, request.RequestId);
        var title = Text.Normalize(request.Conference.Title);
        if (title.Length == 0)
        {
            title = $"Hội thảo ca bất thường / Extraordinary case conference — {clusterRecord.Profile.DisplayName}";
        }
        var record = await grains.GetGrain<IConferenceGrain>(ConferenceKeys.Of(cluster!, id))
            .CreateExtraordinary(title, start, Text.Normalize(request.Conference.Location), call);
        return record.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<Conference> RescheduleConference(RescheduleConferenceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (cluster, id) = ConferenceName(v, "name", request.Name);
        v.RequestId("request_id", request.RequestId);
        FutureTime(v, "start_time", request.StartTime);
        v.MaxLength("location", request.Location, MaxName);
        v.Required("reason", request.Reason, MaxText);
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(cluster!, id!, call.Actor);
        return (await Grain(cluster!, id!).Reschedule(
            request.StartTime.ToDateTimeOffset(), Text.Normalize(request.Location), Text.Normalize(request.Reason), request.Etag, call)).ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<Conference> PrepareConference(PrepareConferenceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (cluster, id) = ConferenceName(v, "name", request.Name);
        v.RequestId("request_id", request.RequestId);
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(cluster!, id!, call.Actor);
        return (await Grain(cluster!, id!).Prepare(call)).ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<Conference> RecordAttendance(RecordAttendanceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (cluster, id) = ConferenceName(v, "name", request.Name);
        v.RequestId("request_id", request.RequestId);
        if (request.Attendance.Count == 0)
        {
            v.Add("attendance", "Required: at least one participant / cần ít nhất một người tham dự.");
        }
        else if (request.Attendance.Count > MaxItems * 5)
        {
            v.Add("attendance", $"At most {MaxItems * 5} participants / tối đa {MaxItems * 5} người.");
        }
        for (var i = 0; i < request.Attendance.Count; i++)
        {
            var a = request.Attendance[i];
            v.Required($"attendance[{i}].display_name", a.DisplayName, MaxName);
            v.MaxLength($"attendance[{i}].organization", a.Organization, MaxName);
            v.MaxLength($"attendance[{i}].role", a.Role, MaxName);
            if (a.Participant.Length > 0 && !ParticipantPattern().IsMatch(a.Participant))
            {
                v.Add($"attendance[{i}].participant", "Must be users/{id} or agencies/{id} / sai định dạng.");
            }
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(cluster!, id!, call.Actor);
        var attendance = request.Attendance.Select(a => new Attendee(
            a.Participant, Text.Normalize(a.DisplayName), Text.Normalize(a.Organization), Text.Normalize(a.Role), a.Present)).ToArray();
        return (await Grain(cluster!, id!).RecordAttendance(attendance, request.Etag, call)).ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<Conference> RecordCaseDiscussion(RecordCaseDiscussionRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (cluster, id) = ConferenceName(v, "name", request.Name);
        var caseId = v.ServerId("case", request.Case, "cases");
        v.RequestId("request_id", request.RequestId);
        v.MaxLength("centre_proposal", request.CentreProposal, MaxText);
        if (request.Guidance.Count == 0 && request.Decisions.Count == 0 && string.IsNullOrWhiteSpace(request.CentreProposal))
        {
            v.Add("guidance", "Record at least guidance, a proposal or a decision / cần ít nhất ý kiến, đề xuất hoặc quyết định.");
        }
        if (request.Guidance.Count > MaxItems)
        {
            v.Add("guidance", $"At most {MaxItems} / tối đa {MaxItems}.");
        }
        if (request.Decisions.Count > MaxItems)
        {
            v.Add("decisions", $"At most {MaxItems} / tối đa {MaxItems}.");
        }
        var departments = new string?[request.Guidance.Count];
        for (var i = 0; i < request.Guidance.Count; i++)
        {
            departments[i] = v.ResourceId($"guidance[{i}].department", request.Guidance[i].Department, "agencies");
            v.Required($"guidance[{i}].text", request.Guidance[i].Text, MaxText);
        }
        var assignees = new string?[request.Decisions.Count];
        for (var i = 0; i < request.Decisions.Count; i++)
        {
            var d = request.Decisions[i];
            v.Required($"decisions[{i}].text", d.Text, MaxText);
            assignees[i] = v.ResourceId($"decisions[{i}].assignee", d.Assignee, "agencies");
            FutureTime(v, $"decisions[{i}].due_time", d.DueTime);
            if (d.Task.Length > 0)
            {
                v.Add($"decisions[{i}].task", "Output only: leave empty / trường chỉ đọc, để trống.");
            }
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        await Writable(cluster!, id!, call.Actor);
        var guidance = request.Guidance.Select((g, i) => new Guidance(departments[i]!, Text.Normalize(g.Text))).ToArray();
        var decisions = request.Decisions.Select((d, i) => new DecisionSpec(Text.Normalize(d.Text), assignees[i]!, d.DueTime.ToDateTimeOffset())).ToArray();
        return (await Grain(cluster!, id!).RecordCaseDiscussion(caseId!, guidance, Text.Normalize(request.CentreProposal), decisions, call)).ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ConferenceMinutes> GetConferenceMinutes(GetConferenceMinutesRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (cluster, id) = ConferenceName(v, "name", request.Name);
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        // The minutes are rendered from the caller's projection, never from the stored record.
        var record = await Visible(await Readable(cluster!, id!, caller), caller);
        var clusterName = (await grains.GetGrain<IClusterGrain>(cluster!).Get())?.Profile.DisplayName ?? "";
        return new ConferenceMinutes
        {
            Conference = record.ToMessage(),
            Markdown = Silo.Conferences.ConferenceMinutes.Markdown(record, clusterName),
        };
    }

    private IConferenceGrain Grain(string cluster, string id) => grains.GetGrain<IConferenceGrain>(ConferenceKeys.Of(cluster, id));

    /// <summary>The conference, if the caller may read it (NOT_FOUND only for callers who see the whole city).</summary>
    private async Task<ConferenceRecord> Readable(string cluster, string id, Actor caller)
    {
        if (!Access.SeesCity(caller))
        {
            Access.RequireConferenceRead(caller, cluster, await CallerCluster(caller));
        }
        return await Grain(cluster, id).Get() ?? throw (Access.SeesCity(caller)
            ? new NotFoundException(ConferenceMapping.NameOf(cluster, id))
            : Access.Denied());
    }

    /// <summary>
    /// The conference as <paramref name="caller"/> may see it (need to know, see <see cref="ConferenceView"/>):
    /// city readers everything; ward people their ward's cases in full and the cluster's others in
    /// outline; agencies their attendance row and the cases where they hold a task or a share.
    /// </summary>
    private async Task<ConferenceRecord> Visible(ConferenceRecord record, Actor caller)
    {
        if (Access.SeesCity(caller))
        {
            return record;
        }
        var sight = new Dictionary<string, CaseSight>(StringComparer.Ordinal);
        if (Access.WardOf(caller) is { } ward)
        {
            foreach (var a in record.Agenda)
            {
                sight[a.CaseId] = a.WardId == ward ? CaseSight.Full : CaseSight.Outline;
            }
            foreach (var d in record.Discussions.Where(d => !sight.ContainsKey(d.CaseId)))
            {
                var c = await grains.GetGrain<ICaseGrain>(d.CaseId).Get();
                sight[d.CaseId] = c?.WardId == ward ? CaseSight.Full : CaseSight.Outline;
            }
            return ConferenceView.Project(record, sight, null);
        }
        if (Access.AgencyOf(caller) is { } agency)
        {
            foreach (var caseId in ConferenceView.CaseIds(record))
            {
                if (await HoldsTaskOrShare(agency, caseId))
                {
                    sight[caseId] = CaseSight.Full;
                }
            }
            return ConferenceView.Project(record, sight, "agencies/" + agency);
        }
        // Any other role that got this far sees the meeting only.
        return ConferenceView.Project(record, sight, "");
    }

    /// <summary>Whether the case is shared with the agency or any of its tasks is addressed to it.</summary>
    private async Task<bool> HoldsTaskOrShare(string agency, string caseId)
    {
        if (await grains.GetGrain<ICaseGrain>(caseId).Get() is not { } c)
        {
            return false;
        }
        if (c.SharedAgencies.Contains(agency))
        {
            return true;
        }
        foreach (var taskId in c.TaskIds)
        {
            if ((await grains.GetGrain<ITaskGrain>(taskId).Get())?.Spec.AssigneeAgencyId == agency)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Only coordinators run conferences; the conference must exist.</summary>
    private async Task Writable(string cluster, string id, Actor caller)
    {
        Access.RequireCoordinator(caller);
        _ = await Grain(cluster, id).Get() ?? throw new NotFoundException(ConferenceMapping.NameOf(cluster, id));
    }

    /// <summary>The cluster of the caller's ward (ward people) or of its agency's ward (agencies); null otherwise.</summary>
    private async Task<string?> CallerCluster(Actor caller)
    {
        var ward = Access.WardOf(caller);
        if (ward is null && Access.AgencyOf(caller) is { } agency)
        {
            ward = (await grains.GetGrain<IAgencyGrain>(agency).Get())?.Profile.WardId;
        }
        if (string.IsNullOrEmpty(ward))
        {
            return null;
        }
        var clusterId = (await grains.GetGrain<IWardGrain>(ward).Get())?.Profile.ClusterId;
        return string.IsNullOrEmpty(clusterId) ? null : clusterId;
    }

    private static (string? Cluster, string? Conference) ConferenceName(RequestValidation v, string field, string name)
    {
        var m = ConferenceNamePattern().Match(name ?? "");
        if (!m.Success)
        {
            v.Add(field, string.IsNullOrEmpty(name)
                ? "Required: a name like clusters/{cluster}/conferences/{conference} / bắt buộc."
                : "Must be clusters/{cluster}/conferences/{yyyy-qN or yyyy-qN-xM} / sai định dạng.");
            return (null, null);
        }
        return (m.Groups[1].Value, m.Groups[2].Value);
    }

    private void FutureTime(RequestValidation v, string field, Google.Protobuf.WellKnownTypes.Timestamp? t)
    {
        if (t is null)
        {
            v.Add(field, "Required / bắt buộc.");
        }
        else if (t.ToDateTimeOffset() <= time.GetUtcNow())
        {
            v.Add(field, "Must be in the future / phải ở tương lai.");
        }
    }

    [GeneratedRegex("^clusters/([a-z][a-z0-9-]{2,62})/conferences/([0-9]{4}-q[1-4](?:-x[1-9][0-9]{0,5})?)$")]
    private static partial Regex ConferenceNamePattern();

    [GeneratedRegex("^(users|agencies)/[A-Za-z0-9][A-Za-z0-9-]{0,62}$")]
    private static partial Regex ParticipantPattern();
}
