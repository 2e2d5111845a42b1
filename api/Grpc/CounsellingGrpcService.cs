using Coordination.Api.Identity;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Counselling;
using Coordination.Silo.Intake;
using Coordination.V1;
using Grpc.Core;
using Microsoft.Extensions.Options;
using CounsellingChannel = Coordination.V1.CounsellingChannel;
using CounsellingTopic = Coordination.V1.CounsellingTopic;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.Api.Grpc;

/// <summary>
/// gRPC adapter of counselling sessions: validate, authorise (<see cref="Access.RequireCounsellingRead"/>
/// and <see cref="Access.RequireCounsellingWrite"/>), call the store, map back.
/// </summary>
public sealed class CounsellingGrpcService(
    IGrainFactory grains, CounsellingStore store, IdAllocator ids, TimeProvider time, IOptions<IntakeOptions> options)
    : CounsellingService.CounsellingServiceBase
{
    private const int MaxNote = 2_000;
    private const int MaxMinutes = 600;

    /// <inheritdoc/>
    public override async Task<CounsellingSession> RecordCounsellingSession(RecordCounsellingSessionRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var s = request.CounsellingSession;
        string? ward = null, caseId = null, counsellor = null;
        if (s is null)
        {
            v.Add("counselling_session", "Required / bắt buộc.");
        }
        else
        {
            ward = v.ResourceId("counselling_session.ward", s.Ward, "wards", required: false);
            caseId = v.ServerId("counselling_session.case", s.Case, "cases", required: false);
            v.Enum("counselling_session.channel", s.Channel);
            if (s.Topics.Count == 0)
            {
                v.Add("counselling_session.topics", "At least one / chọn ít nhất một chủ đề.");
            }
            foreach (var t in s.Topics)
            {
                v.Enum("counselling_session.topics", t);
            }
            if (s.DurationMinutes is < 1 or > MaxMinutes)
            {
                v.Add("counselling_session.duration_minutes", $"1–{MaxMinutes} minutes / từ 1 đến {MaxMinutes} phút.");
            }
            if (s.Counsellor.Length > 0 && v.ResourceId("counselling_session.counsellor", s.Counsellor, "users") is not null)
            {
                counsellor = s.Counsellor;
            }
            v.MaxLength("counselling_session.note", s.Note, MaxNote);
            if (s.SessionTime is { } t2 && t2.ToDateTimeOffset() > time.GetUtcNow().AddMinutes(5))
            {
                v.Add("counselling_session.session_time", "Must not be in the future / không được ở tương lai.");
            }
        }
        v.ThrowIfAny();
        var call = CallContexts.For(context, request.RequestId);
        var caller = call.Actor;
        Access.RequireNotReadOnly(caller);
        // Ward people record for their own ward (the default); the Centre for any ward or city-wide.
        ward ??= Access.WardOf(caller);
        if (caseId is not null)
        {
            var c = await grains.GetGrain<ICaseGrain>(caseId).Get();
            if (c is null)
            {
                throw Access.SeesCity(caller) ? new NotFoundException(s!.Case) : Access.Denied();
            }
            Access.RequireWardWrite(caller, c.WardId);
            if (ward is not null && ward != c.WardId)
            {
                throw new InvalidArgumentException("counselling_session.ward", "Must be the case's ward, or empty / phải là phường của hồ sơ.");
            }
            ward = c.WardId;
        }
        Access.RequireCounsellingWrite(caller, ward);
        var now = time.GetUtcNow();
        var details = new CounsellingDetails(
            ward, caseId, (Silo.Counselling.CounsellingChannel)(int)s!.Channel,
            [.. s.Topics.Distinct().Select(t => (Silo.Counselling.CounsellingTopic)(int)t)], s.DurationMinutes,
            counsellor ?? caller.Principal, s.SessionTime?.ToDateTimeOffset() ?? now, s.FollowUpNeeded, s.Note.Trim());
        var year = TimeZoneInfo.ConvertTime(now, WorkingCalendar.VietnamTime).Year;
        var id = await ids.AllocateAsync("counselling", options.Value.CounsellingIdPrefix, "counselling:" + caller.Principal, request.RequestId, year);
        var record = await store.RecordAsync(id, details, caller, request.RequestId, now, context.CancellationToken);
        return record.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<CounsellingSession> GetCounsellingSession(GetCounsellingSessionRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ServerId("name", request.Name, "counsellingSessions");
        v.ThrowIfAny();
        return (await Readable(id!, request.Name, CallContexts.Caller(context), context.CancellationToken)).ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ListCounsellingSessionsResponse> ListCounsellingSessions(ListCounsellingSessionsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var ward = v.ResourceId("ward", request.Ward, "wards", required: false);
        var caseId = v.ServerId("case", request.Case, "cases", required: false);
        var counsellor = v.ResourceId("counsellor", request.Counsellor, "users", required: false) is null ? null : request.Counsellor;
        var from = request.StartTime?.ToDateTimeOffset();
        var before = request.EndTime?.ToDateTimeOffset();
        if (from is not null && before is not null && before <= from)
        {
            v.Add("end_time", "Must be after start_time / phải sau thời điểm bắt đầu.");
        }
        var caller = CallContexts.Caller(context);
        var ownWard = false;
        if (!Access.SeesCity(caller))
        {
            // Ward people list their own ward's sessions; agencies none.
            var own = Access.WardOf(caller) ?? throw Access.Denied();
            if (ward is not null && ward != own)
            {
                throw Access.Denied();
            }
            (ward, ownWard) = (own, true);
        }
        var filter = new CounsellingFilter(ward, ownWard, caseId, counsellor, from, before);
        var (size, after) = v.Page(request.PageSize, request.PageToken, filter.ToString(), PageCursor.Keyset);
        v.ThrowIfAny();
        var rows = await store.ListAsync(filter, KeysetCursor.Parse(after), size + 1, context.CancellationToken);
        var response = new ListCounsellingSessionsResponse();
        response.CounsellingSessions.AddRange(rows.Take(size).Select(r => r.ToMessage()));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = new PageToken(KeysetCursor.Format(last.Details.SessionTime, last.Id), filter.ToString()).Encode();
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task<CounsellingSession> LinkCounsellingSession(LinkCounsellingSessionRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var id = v.ServerId("name", request.Name, "counsellingSessions");
        var caseId = v.ServerId("case", request.Case, "cases");
        v.Required("etag", request.Etag, 40);
        long expected = 0;
        if (request.Etag.Length > 0 && !long.TryParse(request.Etag.Trim('"'), out expected))
        {
            v.Add("etag", "Not an etag of this session / etag không hợp lệ.");
        }
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        Access.RequireNotReadOnly(caller);
        var session = await Readable(id!, request.Name, caller, context.CancellationToken);
        Access.RequireCounsellingWrite(caller, session.Details.WardId);
        var c = await grains.GetGrain<ICaseGrain>(caseId!).Get();
        if (c is null)
        {
            throw Access.SeesCity(caller) ? new NotFoundException(request.Case) : Access.Denied();
        }
        Access.RequireWardWrite(caller, c.WardId);
        if (session.Details.WardId is { } w && w != c.WardId)
        {
            throw new FailedPreconditionException("WARD_MISMATCH",
                $"The session belongs to wards/{w}; link it to a case of that ward / buổi tư vấn thuộc phường khác với hồ sơ.");
        }
        return (await store.LinkAsync(id!, caseId!, c.WardId, expected, request.RequestId, time.GetUtcNow(), context.CancellationToken)).ToMessage();
    }

    private async Task<CounsellingRecord> Readable(string id, string name, Actor caller, CancellationToken ct)
    {
        var record = await store.GetAsync(id, ct);
        if (record is null)
        {
            throw Access.SeesCity(caller) ? new NotFoundException(name) : Access.Denied();
        }
        Access.RequireCounsellingRead(caller, record.Details.WardId);
        return record;
    }
}
