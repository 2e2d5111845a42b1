using Coordination.Api.Identity;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;

namespace Coordination.Api.Grpc;

/// <summary>The audit trail, for coordinators and auditors.</summary>
public sealed class AuditGrpcService(NpgsqlDataSource db) : AuditService.AuditServiceBase
{
    /// <inheritdoc/>
    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var caseId = v.ServerId("case", request.Case, "cases", required: false);
        if (string.IsNullOrEmpty(request.Case) == string.IsNullOrEmpty(request.Principal))
        {
            v.Add(string.IsNullOrEmpty(request.Case) ? "case" : "principal", "Give exactly one of case and principal / chọn một trong hai: hồ sơ hoặc người dùng.");
        }
        v.MaxLength("principal", request.Principal, 200);
        var (size, after) = v.Page(request.PageSize, request.PageToken, $"{request.Case}|{request.Principal}", PageCursor.Sequence);
        v.ThrowIfAny();
        Access.RequireRole(CallContexts.Caller(context), Silo.Common.Actor.CentreCoordinator, Silo.Common.Actor.Auditor);
        var afterId = after.Length == 0 ? long.MaxValue : long.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        // A case's trail is its own rows and its tasks' rows: the newest page of each resource from the
        // (resource, id) index, merged, so the cost follows the case's trail, not the table's size.
        await using var cmd = db.CreateCommand(caseId is not null
            ? """
              select e.id, e.time, e.principal, e.role, e.scope, e.method, e.resource, e.outcome, e.detail
              from (select 'cases/' || @key as resource
                    union all select 'tasks/' || id from rm_tasks where case_id = @key) r
              cross join lateral (
                  select * from audit_events a
                  where a.resource = r.resource and a.id < @after
                  order by a.id desc limit @limit) e
              order by e.id desc limit @limit
              """
            : """
              select id, time, principal, role, scope, method, resource, outcome, detail from audit_events
              where id < @after and principal = @key order by id desc limit @limit
              """);
        cmd.Parameters.AddWithValue("after", afterId);
        cmd.Parameters.AddWithValue("key", caseId ?? request.Principal);
        cmd.Parameters.AddWithValue("limit", size + 1);
        await using var reader = await cmd.ExecuteReaderAsync(context.CancellationToken);
        var response = new ListAuditEventsResponse();
        while (await reader.ReadAsync(context.CancellationToken))
        {
            response.Events.Add(new AuditEvent
            {
                Id = reader.GetInt64(0),
                Time = Timestamp.FromDateTime(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                Principal = reader.GetString(2),
                Role = reader.GetString(3),
                Scope = reader.GetString(4),
                Method = reader.GetString(5),
                Resource = reader.GetString(6),
                Outcome = reader.GetString(7),
                Detail = reader.GetString(8),
            });
        }
        if (response.Events.Count > size)
        {
            response.Events.RemoveAt(size);
            response.NextPageToken = new PageToken(response.Events[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{request.Case}|{request.Principal}").Encode();
        }
        return response;
    }
}
