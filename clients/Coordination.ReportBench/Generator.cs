using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.ReportBench;

/// <summary>
/// Writes three years of a large city's report facts with binary COPY: wards, clusters and agencies;
/// cases (read-model rows, timeline events, step stays); tasks with their milestones; fired
/// escalations; held conferences. Spreads: 8 % emergencies, plans in 1–12 days, a seventh of plans
/// returned once, monthly reviews, cases closed after 5–14 months, tasks accepted in hours to days,
/// most completed, some rejected, failed, cancelled or late. Deterministic for a seed.
/// </summary>
public static class Generator
{
    private static readonly DateTimeOffset End = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = End.AddDays(-1096);
    private static readonly string[] Reasons = ["Mục tiêu kế hoạch đã đạt", "Đã đoàn tụ gia đình", "Chuyển địa phương khác", "Không thuộc diện hỗ trợ", "Gia đình từ chối hỗ trợ"];
    private static readonly string[] RejectReasons = ["Không thuộc thẩm quyền", "Thiếu thông tin", "Quá tải"];
    private static readonly (string Suffix, int Kind)[] Departments = [("police", 3), ("justice", 4), ("health", 5), ("womens-union", 6), ("education", 7), ("committee", 2)];
    private static readonly string[] CityAgencies = ["danang-swc", "danang-hospital", "danang-maternity-paediatrics"];

    /// <summary>Generates the data into the database of <paramref name="cs"/> (migrated, demo directory seeded).</summary>
    public static async Task RunAsync(string cs, int cases, int tasksPerCase, int wards, int seed)
    {
        var clock = Stopwatch.StartNew();
        await using var db = NpgsqlDataSource.Create(cs);
        var random = new Random(seed);
        var clusters = Math.Max(1, wards / 10);
        await DirectoryAsync(db, wards, clusters);
        Console.WriteLine($"directory: {wards} wards in {clusters} clusters, {wards * Departments.Length} agencies ({clock.Elapsed.TotalSeconds:0} s)");

        await using var conn = await db.OpenConnectionAsync();
        long events = 0, stays = 0, taskRows = 0, escalations = 0;
        await using (var caseCopy = await conn.BeginBinaryImportAsync("""
            copy rm_cases (id, version, ward_id, cluster_id, step, risk, categories, case_worker, flagged, is_open, next_due, report_time,
                person_search, doc, updated_at, source, sex, age_years) from stdin (format binary)
            """))
        {
            await using var eventConn = await db.OpenConnectionAsync();
            await using var eventCopy = await eventConn.BeginBinaryImportAsync(
                "copy case_events (case_id, seq, ward_id, cluster_id, time, action, step, detail) from stdin (format binary)");
            await using var stayConn = await db.OpenConnectionAsync();
            await using var stayCopy = await stayConn.BeginBinaryImportAsync(
                "copy case_steps (case_id, entered_at, left_at, step, ward_id, cluster_id) from stdin (format binary)");
            await using var taskConn = await db.OpenConnectionAsync();
            await using var taskCopy = await taskConn.BeginBinaryImportAsync("""
                copy rm_tasks (id, version, kind, status, case_id, ward_id, assignee_id, due_time, is_open, doc, updated_at,
                    create_time, accepted_at, final_at, reviewed_at, reject_reason, conference_id) from stdin (format binary)
                """);
            await using var remindConn = await db.OpenConnectionAsync();
            await using var remindCopy = await remindConn.BeginBinaryImportAsync(
                "copy reminders (item_key, target_id, kind, due_at, fired_at, target, detail, delivered) from stdin (format binary)");
            var timeline = new List<(DateTimeOffset Time, string Action, int Step, string Detail)>();
            for (var i = 0; i < cases; i++)
            {
                var w = i % wards;
                var ward = $"bench-w{w + 1:000}";
                var cluster = $"bench-c{w % clusters + 1:00}";
                var id = $"B-{i + 1:0000000}";
                var report = Start.AddSeconds(random.NextDouble() * (End - Start).TotalSeconds);
                var risk = random.NextDouble() switch { < 0.08 => 4, < 0.23 => 3, < 0.58 => 2, < 0.95 => 1, _ => 0 };
                Timeline(random, report, risk, timeline);
                var last = timeline[^1];
                var open = last.Step != 8;
                var age = random.NextDouble() < 0.9 ? random.Next(0, 18) : random.Next(18, 70);
                int[] categories = random.NextDouble() < 0.3 ? [random.Next(1, 11), random.Next(1, 11)] : [random.Next(1, 11)];
                var closure = open ? "null" : JsonSerializer.Serialize(new { Reason = last.Detail, CloseTime = last.Time });
                caseCopy.StartRow();
                caseCopy.Write(id, NpgsqlDbType.Text);
                caseCopy.Write((long)timeline.Count, NpgsqlDbType.Bigint);
                caseCopy.Write(ward, NpgsqlDbType.Text);
                caseCopy.Write(cluster, NpgsqlDbType.Text);
                caseCopy.Write(last.Step, NpgsqlDbType.Integer);
                caseCopy.Write(risk, NpgsqlDbType.Integer);
                caseCopy.Write(categories.Distinct().ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
                caseCopy.Write($"users/{ward}-officer", NpgsqlDbType.Text);
                caseCopy.Write(false, NpgsqlDbType.Boolean);
                caseCopy.Write(open, NpgsqlDbType.Boolean);
                caseCopy.WriteNull();
                caseCopy.Write(report, NpgsqlDbType.TimestampTz);
                caseCopy.Write("nguyen van an", NpgsqlDbType.Text);
                caseCopy.Write("{\"Details\":{\"Person\":{\"DisplayName\":\"Nguyễn Văn An " + i + "\"}},\"Closure\":" + closure
                    + ",\"Plan\":{\"Status\":" + (last.Step >= 5 ? 2 : 0) + "}}", NpgsqlDbType.Jsonb);
                caseCopy.Write(last.Time, NpgsqlDbType.TimestampTz);
                caseCopy.Write(random.Next(1, 5), NpgsqlDbType.Integer);
                caseCopy.Write(random.Next(1, 4), NpgsqlDbType.Integer);
                caseCopy.Write(age, NpgsqlDbType.Integer);

                var step = 0;
                DateTimeOffset since = default;
                for (var s = 0; s < timeline.Count; s++)
                {
                    var e = timeline[s];
                    eventCopy.StartRow();
                    eventCopy.Write(id, NpgsqlDbType.Text);
                    eventCopy.Write((long)s + 1, NpgsqlDbType.Bigint);
                    eventCopy.Write(ward, NpgsqlDbType.Text);
                    eventCopy.Write(cluster, NpgsqlDbType.Text);
                    eventCopy.Write(e.Time, NpgsqlDbType.TimestampTz);
                    eventCopy.Write(e.Action, NpgsqlDbType.Text);
                    eventCopy.Write(e.Step, NpgsqlDbType.Integer);
                    eventCopy.Write(e.Action == "CASE_CLOSED" ? e.Detail : "", NpgsqlDbType.Text);
                    events++;
                    if (e.Step != step)
                    {
                        if (step is not (0 or 8))
                        {
                            Stay(stayCopy, id, since, e.Time, step, ward, cluster);
                            stays++;
                        }
                        step = e.Step;
                        since = e.Time;
                    }
                }
                if (step != 8)
                {
                    Stay(stayCopy, id, since, null, step, ward, cluster);
                    stays++;
                }

                for (var t = 0; t < tasksPerCase; t++)
                {
                    var (written, escalated) = TaskRow(taskCopy, remindCopy, random, $"BT-{i + 1:0000000}-{t}", id, ward, w, report);
                    taskRows += written;
                    escalations += escalated;
                }
                if ((i + 1) % 100_000 == 0)
                {
                    Console.WriteLine($"{i + 1:N0} cases, {events:N0} events, {stays:N0} stays, {taskRows:N0} tasks ({clock.Elapsed.TotalSeconds:0} s)");
                }
            }
            await caseCopy.CompleteAsync();
            await eventCopy.CompleteAsync();
            await stayCopy.CompleteAsync();
            await taskCopy.CompleteAsync();
            await remindCopy.CompleteAsync();
        }
        await ConferencesAsync(db, clusters);
        Console.WriteLine($"loaded {cases:N0} cases, {events:N0} case events, {stays:N0} stays, {taskRows:N0} tasks, {escalations:N0} escalations ({clock.Elapsed.TotalSeconds:0} s); analysing");
        await using (var analyse = db.CreateCommand("analyze"))
        {
            analyse.CommandTimeout = 0;
            await analyse.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0} s");
    }

    private static void Stay(NpgsqlBinaryImporter copy, string id, DateTimeOffset entered, DateTimeOffset? left, int step, string ward, string cluster)
    {
        copy.StartRow();
        copy.Write(id, NpgsqlDbType.Text);
        copy.Write(entered, NpgsqlDbType.TimestampTz);
        if (left is { } l)
        {
            copy.Write(l, NpgsqlDbType.TimestampTz);
        }
        else
        {
            copy.Write(DateTime.MaxValue, NpgsqlDbType.TimestampTz);
        }
        copy.Write(step, NpgsqlDbType.Integer);
        copy.Write(ward, NpgsqlDbType.Text);
        copy.Write(cluster, NpgsqlDbType.Text);
    }

    /// <summary>A case's timeline up to now: intake, assessment (emergency or not), plan, approval, intervention, reviews, closing.</summary>
    private static void Timeline(Random r, DateTimeOffset report, int risk, List<(DateTimeOffset, string, int, string)> timeline)
    {
        timeline.Clear();
        var t = report;
        void Add(TimeSpan after, string action, int step, string detail = "")
        {
            t += after;
            timeline.Add((t, action, step, detail));
        }
        TimeSpan Days(double min, double max) => TimeSpan.FromDays(min + r.NextDouble() * (max - min));
        timeline.Add((t, "CASE_OPENED", 1, ""));
        var closeAt = report + Days(150, 420);
        if (risk == 0)
        {
            // Not assessed yet (recent) or closed without assessment.
        }
        else if (risk == 4)
        {
            Add(TimeSpan.FromMinutes(30), "INITIAL_ASSESSMENT_RECORDED", 3);
            Add(TimeSpan.FromHours(1 + r.NextDouble() * 29), "DETAILED_ASSESSMENT_RECORDED", 4);
        }
        else
        {
            Add(TimeSpan.FromHours(1 + r.NextDouble() * 47), "INITIAL_ASSESSMENT_RECORDED", 4);
        }
        if (risk != 0)
        {
            Add(Days(1, 12), "PLAN_PROPOSED", 4);
            if (r.NextDouble() < 0.15)
            {
                Add(Days(1, 10), "PLAN_RETURNED", 4);
                Add(Days(1, 5), "PLAN_PROPOSED", 4);
            }
            Add(Days(1, 12), "PLAN_APPROVED", 5);
            Add(Days(1, 7), "INTERVENTION_STARTED", 6);
            while (t + TimeSpan.FromDays(40) < closeAt)
            {
                Add(Days(25, 40), "REVIEW_RECORDED", 6);
            }
        }
        if (closeAt > t)
        {
            timeline.Add((closeAt, "CASE_CLOSED", 8, Reasons[r.Next(Reasons.Length)]));
        }
        // Only what has happened by now.
        timeline.RemoveAll(e => e.Item1 > End);
    }

    private static (int, int) TaskRow(NpgsqlBinaryImporter copy, NpgsqlBinaryImporter reminders, Random r, string id, string caseId, string ward, int w, DateTimeOffset report)
    {
        var created = report + TimeSpan.FromDays(r.NextDouble() * 60);
        if (created > End)
        {
            created = report;
        }
        var (agency, kind) = r.NextDouble() < 0.2
            ? (CityAgencies[r.Next(CityAgencies.Length)], 1)
            : Departments[r.Next(Departments.Length)] is var d ? ($"{ward}-{d.Suffix}", d.Kind) : default;
        var due = created + TimeSpan.FromDays(3 + r.NextDouble() * 17);
        DateTimeOffset? accepted = null, final = null, reviewed = null;
        var status = 1;
        var reason = "";
        var roll = r.NextDouble();
        if (roll < 0.08)
        {
            final = created + TimeSpan.FromDays(0.1 + r.NextDouble() * 2);
            status = 4;
            reason = RejectReasons[r.Next(RejectReasons.Length)];
        }
        else if (roll < 0.12)
        {
            final = created + TimeSpan.FromDays(r.NextDouble() * 10);
            status = 9;
        }
        else if (roll < 0.97)
        {
            accepted = created + TimeSpan.FromHours(0.5 + r.NextDouble() * 96);
            status = 5;
            var outcome = r.NextDouble();
            if (outcome < 0.85)
            {
                final = accepted + TimeSpan.FromDays(1 + r.NextDouble() * 25);
                status = 7;
                if (r.NextDouble() < 0.75)
                {
                    reviewed = final + TimeSpan.FromDays(0.5 + r.NextDouble() * 5);
                }
            }
            else if (outcome < 0.91)
            {
                final = accepted + TimeSpan.FromDays(1 + r.NextDouble() * 10);
                status = 8;
            }
        }
        // Whatever lies after now has not happened yet.
        if (accepted > End)
        {
            (accepted, final, reviewed, status, reason) = (null, null, null, 1, "");
        }
        if (final > End)
        {
            (final, reviewed, status, reason) = (null, null, accepted is null ? 1 : 5, "");
        }
        if (reviewed > End)
        {
            reviewed = null;
        }
        var open = final is null;
        copy.StartRow();
        copy.Write(id, NpgsqlDbType.Text);
        copy.Write(3L, NpgsqlDbType.Bigint);
        copy.Write(kind == 1 ? 1 : 2, NpgsqlDbType.Integer);
        copy.Write(status, NpgsqlDbType.Integer);
        copy.Write(caseId, NpgsqlDbType.Text);
        copy.Write(ward, NpgsqlDbType.Text);
        copy.Write(agency, NpgsqlDbType.Text);
        copy.Write(due, NpgsqlDbType.TimestampTz);
        copy.Write(open, NpgsqlDbType.Boolean);
        copy.Write("{}", NpgsqlDbType.Jsonb);
        copy.Write(final ?? accepted ?? created, NpgsqlDbType.TimestampTz);
        copy.Write(created, NpgsqlDbType.TimestampTz);
        Nullable(copy, accepted);
        Nullable(copy, final);
        Nullable(copy, reviewed);
        copy.Write(reason, NpgsqlDbType.Text);
        copy.Write("", NpgsqlDbType.Text);
        var late = (final ?? End) > due && status != 4 && status != 9;
        if (late && r.NextDouble() < 0.5 && due.AddDays(1) < End)
        {
            reminders.StartRow();
            reminders.Write($"bench:{id}:7", NpgsqlDbType.Text);
            reminders.Write(id, NpgsqlDbType.Text);
            reminders.Write(7, NpgsqlDbType.Integer);
            reminders.Write(due.AddDays(1), NpgsqlDbType.TimestampTz);
            reminders.Write(due.AddDays(1), NpgsqlDbType.TimestampTz);
            reminders.Write("task", NpgsqlDbType.Text);
            reminders.Write("", NpgsqlDbType.Text);
            reminders.Write(true, NpgsqlDbType.Boolean);
            return (1, 1);
        }
        _ = w;
        return (1, 0);
    }

    private static void Nullable(NpgsqlBinaryImporter copy, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            copy.Write(v, NpgsqlDbType.TimestampTz);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static async Task DirectoryAsync(NpgsqlDataSource db, int wards, int clusters)
    {
        await using var batch = db.CreateBatch();
        for (var c = 1; c <= clusters; c++)
        {
            var members = Enumerable.Range(0, wards).Where(w => w % clusters == c - 1).Select(w => $"bench-w{w + 1:000}").ToArray();
            batch.BatchCommands.Add(Command("insert into rm_clusters (id, version, doc, updated_at) values (@a, 1, @b::jsonb, now()) on conflict do nothing",
                $"bench-c{c:00}", JsonSerializer.Serialize(new { Id = $"bench-c{c:00}", Profile = new { DisplayName = $"Cụm thử {c}", WardIds = members } })));
        }
        for (var w = 1; w <= wards; w++)
        {
            var id = $"bench-w{w:000}";
            batch.BatchCommands.Add(Command("insert into rm_wards (id, version, cluster_id, doc, updated_at) values (@a, 1, @c, @b::jsonb, now()) on conflict do nothing",
                id, JsonSerializer.Serialize(new { Id = id, Profile = new { DisplayName = $"Phường thử {w}" } }), $"bench-c{(w - 1) % clusters + 1:00}"));
            foreach (var (suffix, kind) in Departments)
            {
                var agency = $"{id}-{suffix}";
                var cmd = Command("insert into rm_agencies (id, version, ward_id, kind, doc, updated_at) values (@a, 1, @c, @k, @b::jsonb, now()) on conflict do nothing",
                    agency, JsonSerializer.Serialize(new { Id = agency, Profile = new { DisplayName = $"{suffix} {w}", Kind = kind } }), id);
                cmd.Parameters.AddWithValue("k", kind);
                batch.BatchCommands.Add(cmd);
            }
        }
        await batch.ExecuteNonQueryAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, string a, string b, string? c = null)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.AddWithValue("a", a);
        cmd.Parameters.AddWithValue("b", b);
        if (c is not null)
        {
            cmd.Parameters.AddWithValue("c", c);
        }
        return cmd;
    }

    private static async Task ConferencesAsync(NpgsqlDataSource db, int clusters)
    {
        await using var batch = db.CreateBatch();
        for (var c = 1; c <= clusters; c++)
        {
            for (var q = 0; q < 12; q++)
            {
                var start = new DateTimeOffset(2024, 1, 9, 1, 0, 0, TimeSpan.Zero).AddMonths(3 * q);
                var discussions = string.Join(",", Enumerable.Range(0, 5).Select(i => $$"""{"CaseId":"B-{{i}}","Decisions":[{"TaskId":""},{"TaskId":""}]}"""));
                var cmd = new NpgsqlBatchCommand("""
                    insert into rm_conferences (id, version, cluster_id, status, start_time, preparation_time, doc, updated_at)
                    values (@id, 1, @cluster, 3, @start, @start, @doc::jsonb, now()) on conflict do nothing
                    """);
                cmd.Parameters.AddWithValue("id", $"bench-c{c:00}/{start.Year}-q{(start.Month - 1) / 3 + 1}");
                cmd.Parameters.AddWithValue("cluster", $"bench-c{c:00}");
                cmd.Parameters.AddWithValue("start", start);
                cmd.Parameters.AddWithValue("doc", "{\"Discussions\":[" + discussions + "]}");
                batch.BatchCommands.Add(cmd);
            }
        }
        await batch.ExecuteNonQueryAsync();
    }
}
