using Coordination.Silo.Cases;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.Reports;

/// <summary>What a report covers: the period, the moment its figures stand at, and the scope.</summary>
/// <param name="Start">Start of the period (inclusive).</param>
/// <param name="End">End of the period (exclusive).</param>
/// <param name="AsOf">The figures stand as of this moment: the end of the period, or now when earlier.</param>
/// <param name="WardId">Only this ward, or null.</param>
/// <param name="ClusterId">Only the wards of this cluster, or null.</param>
/// <param name="AgencyId">Only tasks addressed to this agency (and no case figures), or null.</param>
/// <param name="Trend">The quarters of the case trend: label and bounds.</param>
public sealed record ReportQuery(
    DateTimeOffset Start, DateTimeOffset End, DateTimeOffset AsOf, string? WardId, string? ClusterId, string? AgencyId,
    IReadOnlyList<(string Label, DateTimeOffset Start, DateTimeOffset End)> Trend);

/// <summary>One deadline of a legal clock on one case, as the database recorded it.</summary>
public sealed record ClockCase(LegalClockKind Clock, string CaseId, string WardId, DateTimeOffset StartedAt, DateTimeOffset Due, DateTimeOffset? DoneAt);

/// <summary>The legal clocks a report measures. Numbers match the contract.</summary>
public enum LegalClockKind
{
    /// <summary>Emergency measures within 12 hours.</summary>
    EmergencyMeasures = 1,
    /// <summary>Plan drafted within 5 working days.</summary>
    PlanDrafted = 2,
    /// <summary>Plan decided within 7 working days.</summary>
    PlanDecided = 3,
    /// <summary>Monthly review by its due date.</summary>
    MonthlyReview = 4,
}

/// <summary>Task figures of one group (an agency, a kind of agency, or all: both null).</summary>
public sealed record TaskAggregate(
    string? AgencyId, int? Kind, long Assigned, long Accepted, long Rejected, long Completed, long Failed, long Cancelled,
    long Overdue, long Escalated, long Reviewed, double? MedianDaysToAccept, double? P90DaysToAccept,
    double? MedianDaysToComplete, double? P90DaysToComplete);

/// <summary>Rejections of one group by reason.</summary>
public sealed record ReasonCount(string? AgencyId, int? Kind, string Reason, long Count);

/// <summary>
/// Finished tasks of one group by code: reason codes of rejected (4) and failed (8) tasks, outcome
/// codes of completed (7) ones.
/// </summary>
public sealed record CodeCount(string? AgencyId, int? Kind, int FinalStatus, int Code, long Count);

/// <summary>Conference figures of one cluster.</summary>
public sealed record ConferenceAggregate(string ClusterId, long Held, long CasesDiscussed, long Decisions, long DecisionsCompletedOnTime);

/// <summary>New and closed cases of one trend quarter.</summary>
public sealed record TrendCount(string Quarter, long New, long Closed);

/// <summary>Everything a report is built from.</summary>
public sealed class ReportData
{
    /// <summary>Case counts by dimension and value (dimensions: new, source, sex, age, risk, category, open, step, over6, closed, reason, override).</summary>
    public Dictionary<(string Dimension, string Value), long> Cases { get; } = [];
    /// <summary>The case trend.</summary>
    public List<TrendCount> Trend { get; } = [];
    /// <summary>Every deadline of the legal clocks that falls in the report.</summary>
    public List<ClockCase> Clocks { get; } = [];
    /// <summary>Task figures per agency, per kind, and in all.</summary>
    public List<TaskAggregate> Tasks { get; } = [];
    /// <summary>Rejections by reason, per agency, per kind, and in all.</summary>
    public List<ReasonCount> RejectReasons { get; } = [];
    /// <summary>Rejected and failed tasks by reason code, completed ones by outcome code, per agency, per kind, and in all.</summary>
    public List<CodeCount> TaskCodes { get; } = [];
    /// <summary>Conference figures per cluster.</summary>
    public List<ConferenceAggregate> Conferences { get; } = [];
    /// <summary>Milliseconds each section's queries took (for the log and the benchmark).</summary>
    public Dictionary<string, double> Timings { get; } = [];
}

/// <summary>
/// Computes report figures in SQL from the read model and the report facts (case events and stays,
/// task milestones, fired reminders, conferences), never by activating grains. Every figure is
/// "as of" <see cref="ReportQuery.AsOf"/>: only what had happened by then counts.
/// </summary>
public sealed class ReportStore(NpgsqlDataSource db)
{
    private const string CaseScope = "(@ward::text is null or c.ward_id = @ward) and (@cluster::text is null or c.cluster_id = @cluster)";
    private const string EventScope = "(@ward::text is null or e.ward_id = @ward) and (@cluster::text is null or e.cluster_id = @cluster)";

    /// <summary>Computes the figures of <paramref name="q"/>.</summary>
    public async Task<ReportData> ComputeAsync(ReportQuery q, CaseClockOptions clocks, CancellationToken ct)
    {
        var data = new ReportData();
        await using var conn = await db.OpenConnectionAsync(ct);
        // One snapshot for every query of the report, so its figures agree with each other.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task Timed(string section, Func<Task> run)
        {
            var start = clock.Elapsed;
            await run();
            data.Timings[section] = (clock.Elapsed - start).TotalMilliseconds;
        }
        if (q.AgencyId is null)
        {
            await Timed("cases", () => CaseCountsAsync(conn, q, data, ct));
            await Timed("trend", () => TrendAsync(conn, q, data, ct));
            await Timed("clocks", () => ClocksAsync(conn, q, clocks, data, ct));
            if (q.WardId is null)
            {
                await Timed("conferences", () => ConferencesAsync(conn, q, data, ct));
            }
        }
        await Timed("tasks", () => TasksAsync(conn, q, data, ct));
        await tx.CommitAsync(ct);
        return data;
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, ReportQuery q)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = q.Start });
        cmd.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.TimestampTz) { Value = q.End });
        cmd.Parameters.Add(new NpgsqlParameter("asof", NpgsqlDbType.TimestampTz) { Value = q.AsOf });
        cmd.Parameters.Add(new NpgsqlParameter("ward", NpgsqlDbType.Text) { Value = (object?)q.WardId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("cluster", NpgsqlDbType.Text) { Value = (object?)q.ClusterId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("agency", NpgsqlDbType.Text) { Value = (object?)q.AgencyId ?? DBNull.Value });
        return cmd;
    }

    private static async Task CaseCountsAsync(NpgsqlConnection conn, ReportQuery q, ReportData data, CancellationToken ct)
    {
        await using var cmd = Command(conn, $"""
            with n as materialized (
                select c.source, c.sex, c.age_years, c.risk, c.categories from rm_cases c
                where c.report_time >= @start and c.report_time < @end and {CaseScope}),
            o as materialized (
                select s.step, s.case_id from case_steps s
                where s.left_at >= @asof and s.entered_at < @asof
                  and (@ward::text is null or s.ward_id = @ward) and (@cluster::text is null or s.cluster_id = @cluster))
            select 'new', '', count(*) from n
            union all select 'source', source::text, count(*) from n group by source
            union all select 'sex', sex::text, count(*) from n group by sex
            union all select 'age', case when age_years < 0 then 'unknown' when age_years <= 5 then '0-5' when age_years <= 10 then '6-10'
                when age_years <= 15 then '11-15' when age_years <= 17 then '16-17' else '18+' end, count(*) from n group by 2
            union all select 'risk', risk::text, count(*) from n group by risk
            union all select 'category', cat::text, count(*) from n, unnest(n.categories) cat group by cat
            union all select 'open', '', count(*) from o
            union all select 'step', step::text, count(*) from o group by step
            union all select 'over6', '', count(*) from o join rm_cases c on c.id = o.case_id where c.report_time < @end - interval '6 months'
            union all select 'closed', '', count(*) from case_events e
                where e.action = 'CASE_CLOSED' and e.time >= @start and e.time < @end and e.time < @asof and {EventScope}
            union all select 'reason', btrim(e.detail), count(*) from case_events e
                where e.action = 'CASE_CLOSED' and e.time >= @start and e.time < @end and e.time < @asof and {EventScope} group by 2
            union all select 'override', '', count(distinct e.case_id) from case_events e
                where e.action = 'EMERGENCY_OVERRIDE' and e.time >= @start and e.time < @end and e.time < @asof and {EventScope}
            """, q);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            data.Cases[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }
    }

    private static async Task TrendAsync(NpgsqlConnection conn, ReportQuery q, ReportData data, CancellationToken ct)
    {
        foreach (var (label, start, end) in q.Trend)
        {
            var slice = q with { Start = start, End = end, AsOf = end < q.AsOf ? end : q.AsOf };
            await using var cmd = Command(conn, $"""
                select (select count(*) from rm_cases c where c.report_time >= @start and c.report_time < @end and {CaseScope}),
                       (select count(*) from case_events e where e.action = 'CASE_CLOSED' and e.time >= @start and e.time < @end
                            and e.time < @asof and {EventScope})
                """, slice);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            data.Trend.Add(new TrendCount(label, reader.GetInt64(0), reader.GetInt64(1)));
        }
    }

    private static async Task ClocksAsync(NpgsqlConnection conn, ReportQuery q, CaseClockOptions clocks, ReportData data, CancellationToken ct)
    {
        // Emergencies (cases reported in the period that reached EMERGENCY): the 12-hour clock runs from
        // the report until the case leaves that step. Cases reported in the period that never did
        // carry the plan clock instead: 5 working days from the report to the first proposed plan (a
        // case closed before its deadline without a plan needed none and is not counted).
        await using (var cmd = Command(conn, $"""
            with c as materialized (
                select c.id, c.ward_id, c.report_time,
                    (select min(e.seq) from case_events e where e.case_id = c.id and e.step = 3 and e.time < @asof) as em_seq
                from rm_cases c
                where c.report_time >= @start and c.report_time < @end and {CaseScope})
            select 1, c.id, c.ward_id, c.report_time, c.report_time + @emergency,
                (select min(e.time) from case_events e where e.case_id = c.id and e.seq > c.em_seq and e.step <> 3 and e.time < @asof)
            from c where c.em_seq is not null
            union all
            select 2, c.id, c.ward_id, c.report_time, add_working_days(c.report_time, @plan_days), p.proposed
            from c
            cross join lateral (select
                (select min(e.time) from case_events e where e.case_id = c.id and e.action = 'PLAN_PROPOSED' and e.time < @asof) as proposed,
                (select min(e.time) from case_events e where e.case_id = c.id and e.action = 'CASE_CLOSED' and e.time < @asof) as closed) p
            where c.em_seq is null
              and not (p.proposed is null and p.closed is not null and p.closed <= add_working_days(c.report_time, @plan_days))
            """, q))
        {
            cmd.Parameters.AddWithValue("emergency", clocks.EmergencyMeasures);
            cmd.Parameters.AddWithValue("plan_days", clocks.PlanDraftWorkingDays);
            await ReadClocksAsync(cmd, data, ct);
        }
        // Plans proposed in the period: 7 working days to the People's Committee's decision (the
        // approval clock stops on approval or return).
        await using (var cmd = Command(conn, $"""
            select 3, e.case_id, e.ward_id, e.time, add_working_days(e.time, @approval_days),
                (select min(d.time) from case_events d where d.case_id = e.case_id and d.seq > e.seq
                    and d.action in ('PLAN_APPROVED', 'PLAN_RETURNED') and d.time < @asof)
            from case_events e
            where e.action = 'PLAN_PROPOSED' and e.time >= @start and e.time < @end and e.time < @asof and {EventScope}
            """, q))
        {
            cmd.Parameters.AddWithValue("approval_days", clocks.PlanApprovalWorkingDays);
            await ReadClocksAsync(cmd, data, ct);
        }
        // Monthly reviews falling due in the period: one month after the intervention started or after
        // the previous review. Done when the next review is recorded; a case that left the intervention
        // (monitoring, back to planning, closed) before the due date owed no review.
        await using (var cmd = Command(conn, $"""
            select 4, e.case_id, e.ward_id, e.time, e.time + @review, n.time, n.action
            from case_events e
            left join lateral (
                select x.time, x.action from case_events x
                where x.case_id = e.case_id and x.seq > e.seq and x.time < @asof and (x.action = 'REVIEW_RECORDED' or x.step <> 6)
                order by x.seq limit 1) n on true
            where e.step = 6 and e.action in ('INTERVENTION_STARTED', 'REVIEW_RECORDED')
              and e.time >= @start - @review - interval '3 days' and e.time < @end - @review + interval '3 days' and {EventScope}
              and e.time + @review >= @start and e.time + @review < @end
            """, q))
        {
            cmd.Parameters.AddWithValue("review", new NpgsqlTypes.NpgsqlInterval(clocks.ReviewIntervalMonths, 0, 0));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                DateTimeOffset? next = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
                var due = reader.GetFieldValue<DateTimeOffset>(4);
                var isReview = !reader.IsDBNull(6) && reader.GetString(6) == "REVIEW_RECORDED";
                if (next is { } left && !isReview && left <= due)
                {
                    continue;
                }
                data.Clocks.Add(new ClockCase(LegalClockKind.MonthlyReview, reader.GetString(1), reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3), due, isReview ? next : null));
            }
        }
    }

    private static async Task ReadClocksAsync(NpgsqlCommand cmd, ReportData data, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            data.Clocks.Add(new ClockCase((LegalClockKind)reader.GetInt32(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
    }

    private const string TaskRows = """
        select t.id, t.assignee_id, a.kind, t.status, t.due_time, t.create_time,
            t.accepted_at < @asof as accepted,
            case when t.final_at < @asof then t.status else 0 end as final_status,
            t.final_at < @asof as finished,
            t.final_at, t.accepted_at, t.reviewed_at < @asof as reviewed, t.reject_reason, t.reason_code, t.outcome_code
        from rm_tasks t
        join rm_agencies a on a.id = t.assignee_id
        where t.create_time >= @start and t.create_time < @end and t.create_time < @asof
          and (@ward::text is null or t.ward_id = @ward)
          and (@cluster::text is null or t.ward_id in (select w.id from rm_wards w where w.cluster_id = @cluster))
          and (@agency::text is null or t.assignee_id = @agency)
        """;

    private static async Task TasksAsync(NpgsqlConnection conn, ReportQuery q, ReportData data, CancellationToken ct)
    {
        await using (var cmd = Command(conn, $"""
            with t as materialized ({TaskRows})
            select case when grouping(t.assignee_id) = 0 then t.assignee_id end, case when grouping(t.kind) = 0 then t.kind end,
                count(*),
                count(*) filter (where t.accepted),
                count(*) filter (where t.final_status = 4),
                count(*) filter (where t.final_status = 7),
                count(*) filter (where t.final_status = 8),
                count(*) filter (where t.final_status = 9),
                count(*) filter (where (not coalesce(t.finished, false) and t.due_time < @asof)
                    or (t.final_status in (7, 8) and t.final_at > t.due_time)),
                count(*) filter (where exists (select 1 from reminders r where r.target_id = t.id and r.kind = 7
                    and r.fired_at is not null and r.fired_at < @asof and r.delivered)),
                count(*) filter (where t.reviewed),
                percentile_cont(0.5) within group (order by working_clock(t.accepted_at) - working_clock(t.create_time)) filter (where t.accepted),
                percentile_cont(0.9) within group (order by working_clock(t.accepted_at) - working_clock(t.create_time)) filter (where t.accepted),
                percentile_cont(0.5) within group (order by working_clock(t.final_at) - working_clock(t.create_time)) filter (where t.final_status = 7),
                percentile_cont(0.9) within group (order by working_clock(t.final_at) - working_clock(t.create_time)) filter (where t.final_status = 7)
            from t
            group by grouping sets ((t.assignee_id, t.kind), (t.kind), ())
            """, q))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
                data.Tasks.Add(new TaskAggregate(
                    reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1),
                    reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7),
                    reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), D(11), D(12), D(13), D(14)));
            }
        }
        await using (var cmd = Command(conn, $"""
            with t as materialized ({TaskRows})
            select case when grouping(t.assignee_id) = 0 then t.assignee_id end, case when grouping(t.kind) = 0 then t.kind end,
                btrim(t.reject_reason), count(*)
            from t where t.final_status = 4
            group by grouping sets ((t.assignee_id, t.kind, btrim(t.reject_reason)), (t.kind, btrim(t.reject_reason)), (btrim(t.reject_reason)))
            """, q))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                data.RejectReasons.Add(new ReasonCount(
                    reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1),
                    reader.GetString(2), reader.GetInt64(3)));
            }
        }
        // Why referrals fail and what came of them: the codes agencies gave (0 when they gave none).
        await using (var cmd = Command(conn, $"""
            with t as materialized ({TaskRows}),
            c as (select t.assignee_id, t.kind, t.final_status,
                    case when t.final_status = 7 then t.outcome_code else t.reason_code end as code
                from t where t.final_status in (4, 7, 8))
            select case when grouping(c.assignee_id) = 0 then c.assignee_id end, case when grouping(c.kind) = 0 then c.kind end,
                c.final_status, c.code, count(*)
            from c
            group by grouping sets ((c.assignee_id, c.kind, c.final_status, c.code), (c.kind, c.final_status, c.code), (c.final_status, c.code))
            """, q))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                data.TaskCodes.Add(new CodeCount(
                    reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1),
                    reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4)));
            }
        }
    }

    private static async Task ConferencesAsync(NpgsqlConnection conn, ReportQuery q, ReportData data, CancellationToken ct)
    {
        await using var cmd = Command(conn, """
            with c as materialized (
                select c.id, c.cluster_id, c.doc from rm_conferences c
                where c.status = 3 and c.start_time >= @start and c.start_time < @end and c.start_time < @asof
                  and (@cluster::text is null or c.cluster_id = @cluster))
            select c.cluster_id, count(*),
                coalesce(sum(jsonb_array_length(c.doc->'Discussions')), 0),
                coalesce(sum((select coalesce(sum(jsonb_array_length(d->'Decisions')), 0) from jsonb_array_elements(c.doc->'Discussions') d)), 0),
                coalesce(sum((select count(*) from rm_tasks t where t.conference_id = c.id and t.status = 7
                    and t.final_at < @asof and t.final_at <= t.due_time)), 0)
            from c group by c.cluster_id order by c.cluster_id
            """, q);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            data.Conferences.Add(new ConferenceAggregate(reader.GetString(0), reader.GetInt64(1),
                Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Names of the directory entries a report mentions: agencies (name, kind), clusters and wards.</summary>
    public async Task<DirectoryNames> NamesAsync(CancellationToken ct)
    {
        var names = new DirectoryNames();
        await using var cmd = db.CreateCommand("""
            select 'agency', id, doc->'Profile'->>'DisplayName', kind from rm_agencies
            union all select 'cluster', id, doc->'Profile'->>'DisplayName', 0 from rm_clusters
            union all select 'ward', id, doc->'Profile'->>'DisplayName', 0 from rm_wards
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (type, id, name, kind) = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "" : reader.GetString(2), reader.GetInt32(3));
            switch (type)
            {
                case "agency": names.Agencies[id] = (name, kind); break;
                case "cluster": names.Clusters[id] = name; break;
                default: names.Wards[id] = name; break;
            }
        }
        return names;
    }

    /// <summary>The cases of a scope as export rows, streamed in report-time order (oldest first).</summary>
    public async IAsyncEnumerable<CaseExportRow> StreamCasesAsync(
        string? wardId, string? clusterId, DateTimeOffset? from, DateTimeOffset? to, bool includeClosed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // A cursor inside a transaction: rows come as the file is written, never all in memory.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var cmd = new NpgsqlCommand($"""
            select c.id, c.ward_id, c.cluster_id, c.report_time, c.source, c.categories, c.sex, c.age_years, c.risk, c.step,
                c.is_open, c.case_worker, c.next_due, c.doc->'Details'->'Person'->>'DisplayName',
                c.doc->'Closure'->>'Reason', (c.doc->'Closure'->>'CloseTime')::timestamptz,
                coalesce((c.doc->'Plan'->>'Status')::int, 0), c.flagged
            from rm_cases c
            where {CaseScope} and (@from::timestamptz is null or c.report_time >= @from) and (@to::timestamptz is null or c.report_time < @to)
              and (@closed or c.is_open)
            order by c.report_time, c.id
            """, conn, tx) { AllResultTypesAreUnknown = false };
        cmd.Parameters.Add(new NpgsqlParameter("ward", NpgsqlDbType.Text) { Value = (object?)wardId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("cluster", NpgsqlDbType.Text) { Value = (object?)clusterId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)to ?? DBNull.Value });
        cmd.Parameters.AddWithValue("closed", includeClosed);
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new CaseExportRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                (IntakeSource)reader.GetInt32(4), reader.GetFieldValue<int[]>(5), (Sex)reader.GetInt32(6), reader.GetInt32(7),
                (RiskLevel)reader.GetInt32(8), (CaseStep)reader.GetInt32(9), reader.GetBoolean(10), reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                reader.IsDBNull(13) ? "" : reader.GetString(13),
                reader.IsDBNull(14) ? "" : reader.GetString(14),
                reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
                (PlanStatus)reader.GetInt32(16), reader.GetBoolean(17));
        }
    }

    /// <summary>How many cases <see cref="StreamCasesAsync"/> would return (for a progress display).</summary>
    public async Task<long> CountCasesAsync(string? wardId, string? clusterId, DateTimeOffset? from, DateTimeOffset? to, bool includeClosed, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select count(*) from rm_cases c
            where {CaseScope} and (@from::timestamptz is null or c.report_time >= @from) and (@to::timestamptz is null or c.report_time < @to)
              and (@closed or c.is_open)
            """);
        cmd.Parameters.Add(new NpgsqlParameter("ward", NpgsqlDbType.Text) { Value = (object?)wardId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("cluster", NpgsqlDbType.Text) { Value = (object?)clusterId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)to ?? DBNull.Value });
        cmd.Parameters.AddWithValue("closed", includeClosed);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>Display names of the directory, by id.</summary>
public sealed class DirectoryNames
{
    /// <summary>Agencies: name and kind.</summary>
    public Dictionary<string, (string Name, int Kind)> Agencies { get; } = [];
    /// <summary>Clusters.</summary>
    public Dictionary<string, string> Clusters { get; } = [];
    /// <summary>Wards.</summary>
    public Dictionary<string, string> Wards { get; } = [];
}

/// <summary>One case as a row of an export.</summary>
public sealed record CaseExportRow(
    string Id, string WardId, string ClusterId, DateTimeOffset ReportTime, IntakeSource Source, int[] Categories, Sex Sex,
    int AgeYears, RiskLevel Risk, CaseStep Step, bool IsOpen, string CaseWorker, DateTimeOffset? NextDue, string PersonName,
    string CloseReason, DateTimeOffset? CloseTime, PlanStatus PlanStatus, bool Flagged);
