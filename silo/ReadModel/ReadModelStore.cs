using System.Text.Json;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.Silo.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.ReadModel;

/// <summary>
/// Writes and reads the read-model tables: one row per resource, holding the filter columns and the
/// whole record as JSON. Grains write (after their state write); list and summary queries read, so
/// they never activate grains. Every upsert is version-guarded: a late, older row never overwrites a
/// newer one.
/// </summary>
public sealed class ReadModelStore(NpgsqlDataSource db)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>Upserts a ward row.</summary>
    public Task UpsertWardAsync(WardRecord r) => ExecuteAsync(
        """
        insert into rm_wards as t (id, version, cluster_id, doc, updated_at)
        values (@id, @version, @cluster, @doc, now())
        on conflict (id) do update set version = excluded.version, cluster_id = excluded.cluster_id,
            doc = excluded.doc, updated_at = now()
        where t.version < excluded.version
        """,
        P("id", r.Id), P("version", r.Version), P("cluster", r.Profile.ClusterId), Doc(r));

    /// <summary>Upserts a cluster row.</summary>
    public Task UpsertClusterAsync(ClusterRecord r) => ExecuteAsync(
        """
        insert into rm_clusters as t (id, version, doc, updated_at)
        values (@id, @version, @doc, now())
        on conflict (id) do update set version = excluded.version, doc = excluded.doc, updated_at = now()
        where t.version < excluded.version
        """,
        P("id", r.Id), P("version", r.Version), Doc(r));

    /// <summary>Upserts an agency row.</summary>
    public Task UpsertAgencyAsync(AgencyRecord r) => ExecuteAsync(
        """
        insert into rm_agencies as t (id, version, ward_id, kind, doc, updated_at)
        values (@id, @version, @ward, @kind, @doc, now())
        on conflict (id) do update set version = excluded.version, ward_id = excluded.ward_id,
            kind = excluded.kind, doc = excluded.doc, updated_at = now()
        where t.version < excluded.version
        """,
        P("id", r.Id), P("version", r.Version), P("ward", r.Profile.WardId), P("kind", (int)r.Profile.Kind), Doc(r));

    /// <summary>Upserts a case row, with the earliest running clock for overdue queries.</summary>
    public Task UpsertCaseAsync(CaseRecord r, CaseClocks clocks) => ExecuteAsync(
        """
        insert into rm_cases as t (id, version, ward_id, cluster_id, step, risk, categories, case_worker, flagged,
            is_open, next_due, report_time, person_search, doc, updated_at, source, sex, age_years)
        values (@id, @version, @ward, @cluster, @step, @risk, @categories, @worker, @flagged,
            @open, @due, @report, @search, @doc, now(), @source, @sex, @age)
        on conflict (id) do update set version = excluded.version, ward_id = excluded.ward_id,
            cluster_id = excluded.cluster_id, step = excluded.step, risk = excluded.risk,
            categories = excluded.categories, case_worker = excluded.case_worker, flagged = excluded.flagged,
            is_open = excluded.is_open, next_due = excluded.next_due, report_time = excluded.report_time,
            person_search = excluded.person_search, doc = excluded.doc, updated_at = now(),
            source = excluded.source, sex = excluded.sex, age_years = excluded.age_years
        where t.version < excluded.version
        """,
        P("id", r.Id), P("version", r.Version), P("ward", r.WardId), P("cluster", r.ClusterId),
        P("step", (int)r.Step), P("risk", (int)r.Risk), P("categories", r.Details.Categories),
        P("worker", r.Details.CaseWorker), P("flagged", r.ConferenceFlag?.Flagged ?? false),
        P("open", r.Step != CaseStep.Closed), P("due", clocks.NextDue, NpgsqlDbType.TimestampTz),
        P("report", r.ReportTime), P("search", SearchText.Fold(r.Details.Person.DisplayName)), Doc(r),
        P("source", (int)r.Details.Source), P("sex", (int)r.Details.Person.Sex), P("age", AgeAtReport(r)));

    /// <summary>Age in whole years on the (Vietnam) date of the report: from the birth date when known, else the approximate age.</summary>
    public static int AgeAtReport(CaseRecord r)
    {
        var person = r.Details.Person;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.ReportTime, Calendar.WorkingCalendar.VietnamTime).DateTime);
        return person.AgeAt(day);
    }

    /// <summary>Upserts a task row, with the milestones the reports count (from its whole history).</summary>
    public Task UpsertTaskAsync(TaskRecord r) => ExecuteAsync(TaskUpsertSql, TaskUpsertParameters(r, TaskMilestones.Of(r)));

    /// <summary>
    /// The task row upsert as one statement, for the task store, which runs it in the transaction of
    /// the task's change (durable, unlike this store's own connections); <paramref name="m"/> are the
    /// milestones the grain keeps, since its state holds only the latest history entry.
    /// </summary>
    public static NpgsqlBatchCommand TaskUpsert(TaskRecord r, TaskMilestones m)
    {
        var cmd = new NpgsqlBatchCommand(TaskUpsertSql);
        cmd.Parameters.AddRange(TaskUpsertParameters(r, m));
        return cmd;
    }

    private const string TaskUpsertSql = """
        insert into rm_tasks as t (id, version, kind, status, case_id, ward_id, assignee_id, due_time, is_open, awaiting_review, doc, updated_at,
            create_time, accepted_at, final_at, reviewed_at, reject_reason, conference_id, reason_code, outcome_code)
        values (@id, @version, @kind, @status, @case, @ward, @assignee, @due, @open, @review, @doc, now(),
            @created, @accepted, @final, @reviewed, @reason, @conference, @reason_code, @outcome_code)
        on conflict (id) do update set version = excluded.version, kind = excluded.kind, status = excluded.status,
            case_id = excluded.case_id, ward_id = excluded.ward_id, assignee_id = excluded.assignee_id,
            due_time = excluded.due_time, is_open = excluded.is_open, awaiting_review = excluded.awaiting_review,
            doc = excluded.doc, updated_at = now(),
            create_time = excluded.create_time, accepted_at = excluded.accepted_at, final_at = excluded.final_at,
            reviewed_at = excluded.reviewed_at, reject_reason = excluded.reject_reason, conference_id = excluded.conference_id,
            reason_code = excluded.reason_code, outcome_code = excluded.outcome_code
        where t.version < excluded.version
        """;

    private static NpgsqlParameter[] TaskUpsertParameters(TaskRecord r, TaskMilestones m) =>
    [
        P("id", r.Id), P("version", r.Version), P("kind", (int)r.Spec.Kind), P("status", (int)r.Status),
        P("case", r.Spec.CaseId), P("ward", r.Spec.WardId), P("assignee", r.Spec.AssigneeAgencyId),
        P("due", r.Spec.DueTime), P("open", TaskStateMachine.IsOpen(r.Status)), P("review", r.AwaitsReview), Doc(r),
        P("created", r.CreateTime), P("accepted", m.AcceptedAt, NpgsqlDbType.TimestampTz),
        P("final", m.FinalAt, NpgsqlDbType.TimestampTz), P("reviewed", m.ReviewedAt, NpgsqlDbType.TimestampTz),
        P("reason", m.RejectReason), P("conference", r.Spec.Conference),
        P("reason_code", (int)r.StatusReasonCode), P("outcome_code", (int)(r.Outcome?.OutcomeCode ?? TaskOutcomeCode.Unspecified)),
    ];

    /// <summary>Wards ordered by id, after <paramref name="afterId"/>, optionally of one cluster.</summary>
    public Task<IReadOnlyList<WardRecord>> ListWardsAsync(string? clusterId, string afterId, int limit, CancellationToken ct) =>
        QueryAsync<WardRecord>(
            "select doc from rm_wards where id > @after and (@cluster::text is null or cluster_id = @cluster) order by id limit @limit",
            ct, P("after", afterId), P("limit", limit), P("cluster", clusterId, NpgsqlDbType.Text));

    /// <summary>Clusters ordered by id, after <paramref name="afterId"/>.</summary>
    public Task<IReadOnlyList<ClusterRecord>> ListClustersAsync(string afterId, int limit, CancellationToken ct) =>
        QueryAsync<ClusterRecord>("select doc from rm_clusters where id > @after order by id limit @limit",
            ct, P("after", afterId), P("limit", limit));

    /// <summary>Agencies ordered by id, after <paramref name="afterId"/>, optionally filtered.</summary>
    public Task<IReadOnlyList<AgencyRecord>> ListAgenciesAsync(string? wardId, AgencyKind? kind, string afterId, int limit, CancellationToken ct) =>
        QueryAsync<AgencyRecord>(
            """
            select doc from rm_agencies
            where id > @after and (@ward::text is null or ward_id = @ward) and (@kind::int is null or kind = @kind)
            order by id limit @limit
            """,
            ct, P("after", afterId), P("limit", limit), P("ward", wardId, NpgsqlDbType.Text), P("kind", (int?)kind, NpgsqlDbType.Integer));

    /// <summary>Cases matching <paramref name="f"/>, newest report first, after the keyset cursor.</summary>
    public Task<IReadOnlyList<CaseRecord>> ListCasesAsync(CaseFilter f, DateTimeOffset now, (DateTimeOffset Time, string Id)? after, int limit, CancellationToken ct)
    {
        var name = f.PersonName is null ? null : SearchText.Fold(f.PersonName);
        // A name of fewer than three letters has no trigram: on the trigram index (migration 0019) it
        // would read the whole index (seconds at a million cases), so it is matched on the rows the
        // ward's newest-first scan reads instead (an expression the index does not cover).
        var sql = name is { Length: < 3 } ? ListCasesSql.Replace("person_search like", "(person_search || '') like", StringComparison.Ordinal) : ListCasesSql;
        return QueryAsync<CaseRecord>(sql,
            ct,
            P("ward", f.WardId, NpgsqlDbType.Text), P("cluster", f.ClusterId, NpgsqlDbType.Text),
            P("step", (int?)f.Step, NpgsqlDbType.Integer), P("risk", (int?)f.Risk, NpgsqlDbType.Integer),
            P("category", f.Category, NpgsqlDbType.Integer), P("worker", f.CaseWorker, NpgsqlDbType.Text),
            P("flagged", f.FlaggedOnly), P("overdue", f.OverdueOnly), P("now", now),
            P("name", name is null ? null : LikeLiteral(name), NpgsqlDbType.Text),
            P("closed", f.IncludeClosed),
            P("after_time", after?.Time, NpgsqlDbType.TimestampTz), P("after_id", after?.Id ?? "", NpgsqlDbType.Text),
            P("limit", limit));
    }

    private const string ListCasesSql =
            """
            select doc from rm_cases
            where (@ward::text is null or ward_id = @ward)
              and (@cluster::text is null or cluster_id = @cluster)
              and (@step::int is null or step = @step)
              and (@risk::int is null or risk = @risk)
              and (@category::int is null or @category = any(categories))
              and (@worker::text is null or case_worker = @worker)
              and (not @flagged or flagged)
              and (not @overdue or (is_open and next_due < @now))
              and (@name::text is null or person_search like '%' || @name || '%')
              and (@closed or is_open)
              and (@after_time::timestamptz is null or (report_time, id) < (@after_time, @after_id))
            order by report_time desc, id desc
            limit @limit
            """;

    /// <summary>Tasks matching <paramref name="f"/>, soonest due first, after the keyset cursor.</summary>
    public Task<IReadOnlyList<TaskRecord>> ListTasksAsync(TaskFilter f, DateTimeOffset now, (DateTimeOffset Time, string Id)? after, int limit, CancellationToken ct) =>
        QueryAsync<TaskRecord>(
            """
            select doc from rm_tasks
            where (@assignee::text is null or assignee_id = @assignee)
              and (@ward::text is null or ward_id = @ward)
              and (@case::text is null or case_id = @case)
              and (@status::int is null or status = @status)
              and (@kind::int is null or kind = @kind)
              and (not @overdue or (is_open and due_time < @now))
              and (@before::timestamptz is null or due_time < @before)
              and (not @open_only or is_open)
              and (not @awaiting_review or awaiting_review)
              and (@assignee_kind::int is null or assignee_id in (select a.id from rm_agencies a where a.kind = @assignee_kind))
              and (@after_time::timestamptz is null or (due_time, id) > (@after_time, @after_id))
            order by due_time, id
            limit @limit
            """,
            ct,
            P("assignee", f.AssigneeAgencyId, NpgsqlDbType.Text), P("ward", f.WardId, NpgsqlDbType.Text),
            P("case", f.CaseId, NpgsqlDbType.Text), P("status", (int?)f.Status, NpgsqlDbType.Integer),
            P("kind", (int?)f.Kind, NpgsqlDbType.Integer), P("overdue", f.OverdueOnly), P("now", now),
            P("before", f.DueBefore, NpgsqlDbType.TimestampTz),
            P("open_only", f.OpenOnly), P("awaiting_review", f.AwaitingReview),
            P("assignee_kind", (int?)f.AssigneeKind, NpgsqlDbType.Integer),
            P("after_time", after?.Time, NpgsqlDbType.TimestampTz), P("after_id", after?.Id ?? "", NpgsqlDbType.Text),
            P("limit", limit));

    /// <summary>
    /// Counts for a ward's summary, computed in one round trip: open cases by step and by risk in one
    /// pass over the ward's open cases, tasks by status from the counts a trigger keeps (migration
    /// 0020), the overdue counts from the open-only indexes (migration 0019).
    /// </summary>
    public async Task<WardCounts> WardCountsAsync(string wardId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select case when grouping(step) = 0 then 'step' else 'risk' end, coalesce(step, risk)::text, count(*)
                from rm_cases where ward_id = @w and is_open group by grouping sets ((step), (risk))
            union all select 'task', status::text, n from rm_ward_task_counts where ward_id = @w and n > 0
            union all select 'task', status::text, count(*) from rm_tasks where ward_id = @w and is_open group by status
            union all select 'overdue_cases', '', count(*) from rm_cases where ward_id = @w and is_open and next_due < @now
            union all select 'overdue_tasks', '', count(*) from rm_tasks where ward_id = @w and is_open and due_time < @now
            union all select 'flagged', id, 1 from rm_cases where ward_id = @w and is_open and flagged
            """);
        cmd.Parameters.AddWithValue("w", wardId);
        cmd.Parameters.AddWithValue("now", now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var counts = new WardCounts();
        while (await reader.ReadAsync(ct))
        {
            var (group, label, n) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
            switch (group)
            {
                case "step": counts.CasesByStep[(CaseStep)int.Parse(label)] = n; break;
                case "risk": counts.CasesByRisk[(RiskLevel)int.Parse(label)] = n; break;
                case "task": counts.TasksByStatus[(Tasks.TaskStatus)int.Parse(label)] = n; break;
                case "overdue_cases": counts.OverdueCases = n; break;
                case "overdue_tasks": counts.OverdueTasks = n; break;
                default: counts.FlaggedCaseIds.Add(label); break;
            }
        }
        counts.FlaggedCaseIds.Sort(StringComparer.Ordinal);
        return counts;
    }

    /// <summary>Escapes LIKE wildcards so a name containing % or _ is matched literally.</summary>
    private static string LikeLiteral(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static NpgsqlParameter P(string name, object? value, NpgsqlDbType? type = null)
    {
        var p = new NpgsqlParameter(name, value ?? DBNull.Value);
        if (type is { } t)
        {
            p.NpgsqlDbType = t;
        }
        return p;
    }

    private static NpgsqlParameter Doc<T>(T record) => P("doc", JsonSerializer.Serialize(record, Json), NpgsqlDbType.Jsonb);

    private async Task ExecuteAsync(string sql, params NpgsqlParameter[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)
                ?? throw new InvalidOperationException("Read-model row holds no document."));
        }
        return result;
    }
}

/// <summary>Filters of a case list; null means "any".</summary>
public sealed record CaseFilter(
    string? WardId, string? ClusterId, CaseStep? Step, RiskLevel? Risk, int? Category, string? CaseWorker,
    bool FlaggedOnly, bool OverdueOnly, string? PersonName, bool IncludeClosed);

/// <summary>Filters of a task list; null means "any".</summary>
public sealed record TaskFilter(
    string? AssigneeAgencyId, string? WardId, string? CaseId, Tasks.TaskStatus? Status, TaskKind? Kind,
    bool OverdueOnly, DateTimeOffset? DueBefore, bool OpenOnly = false, bool AwaitingReview = false, AgencyKind? AssigneeKind = null);

/// <summary>Counts behind a ward summary.</summary>
public sealed class WardCounts
{
    /// <summary>Open cases by step.</summary>
    public Dictionary<CaseStep, long> CasesByStep { get; } = [];
    /// <summary>Open cases by risk.</summary>
    public Dictionary<RiskLevel, long> CasesByRisk { get; } = [];
    /// <summary>Tasks by status.</summary>
    public Dictionary<Tasks.TaskStatus, long> TasksByStatus { get; } = [];
    /// <summary>Open cases with a clock run out.</summary>
    public long OverdueCases { get; set; }
    /// <summary>Open tasks past due.</summary>
    public long OverdueTasks { get; set; }
    /// <summary>Ids of cases flagged for the conference.</summary>
    public List<string> FlaggedCaseIds { get; } = [];
}
