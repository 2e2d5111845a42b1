using System.Text.Json;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.DataGen;

/// <summary>
/// Writes generated cases as the grains' projections would: <c>rm_cases</c> and <c>rm_tasks</c>
/// (filter columns and the whole record as JSON, as <see cref="ReadModelStore"/> upserts them),
/// <c>case_events</c>, <c>reminders</c> and <c>audit_events</c>, each by binary COPY on its own
/// connection. Nothing is visible until <see cref="CompleteAsync"/>.
/// </summary>
public sealed class ReadModelCopySink : IGeneratedDataSink
{
    // The same options as ReadModelStore's (JsonSerializerDefaults.General), so the documents read back identically.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>Serialises the case's documents ahead of <see cref="Write"/>, so it can run on the generating threads.</summary>
    public static void Prepare(GeneratedCase generated)
    {
        generated.CaseJson = JsonSerializer.Serialize(generated.Case, Json);
        generated.TaskJson = [.. generated.Tasks.Select(t => JsonSerializer.Serialize(t, Json))];
    }

    private readonly List<NpgsqlConnection> _connections = [];
    private readonly NpgsqlBinaryImporter _cases, _tasks, _events, _reminders, _audit;

    /// <summary>Rows written so far, by table.</summary>
    public long Cases { get; private set; }
    /// <inheritdoc cref="Cases"/>
    public long Tasks { get; private set; }
    /// <inheritdoc cref="Cases"/>
    public long Events { get; private set; }
    /// <inheritdoc cref="Cases"/>
    public long Reminders { get; private set; }
    /// <inheritdoc cref="Cases"/>
    public long AuditRows { get; private set; }

    /// <summary>All rows written so far.</summary>
    public long Rows => Cases + Tasks + Events + Reminders + AuditRows;

    private ReadModelCopySink(List<NpgsqlConnection> connections, NpgsqlBinaryImporter[] copies)
    {
        _connections = connections;
        (_cases, _tasks, _events, _reminders, _audit) = (copies[0], copies[1], copies[2], copies[3], copies[4]);
    }

    /// <summary>Opens the five COPY streams.</summary>
    public static async Task<ReadModelCopySink> OpenAsync(NpgsqlDataSource db)
    {
        string[] statements =
        [
            """
            copy rm_cases (id, version, ward_id, cluster_id, step, risk, categories, case_worker, flagged, is_open, next_due, report_time,
                person_search, doc, updated_at, source, sex, age_years) from stdin (format binary)
            """,
            """
            copy rm_tasks (id, version, kind, status, case_id, ward_id, assignee_id, due_time, is_open, awaiting_review, doc, updated_at,
                create_time, accepted_at, final_at, reviewed_at, reject_reason, conference_id, reason_code, outcome_code) from stdin (format binary)
            """,
            "copy case_events (case_id, seq, ward_id, cluster_id, time, action, step, detail) from stdin (format binary)",
            "copy reminders (item_key, target, target_id, kind, due_at, fired_at, detail, delivered) from stdin (format binary)",
            "copy audit_events (time, principal, role, scope, method, resource, outcome, detail) from stdin (format binary)",
        ];
        var connections = new List<NpgsqlConnection>();
        var copies = new NpgsqlBinaryImporter[statements.Length];
        for (var i = 0; i < statements.Length; i++)
        {
            var conn = await db.OpenConnectionAsync();
            connections.Add(conn);
            copies[i] = await conn.BeginBinaryImportAsync(statements[i]);
        }
        return new ReadModelCopySink(connections, copies);
    }

    /// <inheritdoc/>
    public void Write(GeneratedCase generated)
    {
        var g = generated;
        var c = g.Case;
        _cases.StartRow();
        _cases.Write(c.Id, NpgsqlDbType.Text);
        _cases.Write(c.Version, NpgsqlDbType.Bigint);
        _cases.Write(c.WardId, NpgsqlDbType.Text);
        _cases.Write(c.ClusterId, NpgsqlDbType.Text);
        _cases.Write((int)c.Step, NpgsqlDbType.Integer);
        _cases.Write((int)c.Risk, NpgsqlDbType.Integer);
        _cases.Write(c.Details.Categories, NpgsqlDbType.Array | NpgsqlDbType.Integer);
        _cases.Write(c.Details.CaseWorker, NpgsqlDbType.Text);
        _cases.Write(c.ConferenceFlag?.Flagged ?? false, NpgsqlDbType.Boolean);
        _cases.Write(c.Step != CaseStep.Closed, NpgsqlDbType.Boolean);
        Nullable(_cases, g.NextDue);
        _cases.Write(c.ReportTime, NpgsqlDbType.TimestampTz);
        _cases.Write(SearchText.Fold(c.Details.Person.DisplayName), NpgsqlDbType.Text);
        _cases.Write(g.CaseJson ?? JsonSerializer.Serialize(c, Json), NpgsqlDbType.Jsonb);
        _cases.Write(c.UpdateTime, NpgsqlDbType.TimestampTz);
        _cases.Write((int)c.Details.Source, NpgsqlDbType.Integer);
        _cases.Write((int)c.Details.Person.Sex, NpgsqlDbType.Integer);
        _cases.Write(ReadModelStore.AgeAtReport(c), NpgsqlDbType.Integer);
        Cases++;

        for (var k = 0; k < g.Tasks.Count; k++)
        {
            var t = g.Tasks[k];
            var m = TaskMilestones.Of(t);
            _tasks.StartRow();
            _tasks.Write(t.Id, NpgsqlDbType.Text);
            _tasks.Write(t.Version, NpgsqlDbType.Bigint);
            _tasks.Write((int)t.Spec.Kind, NpgsqlDbType.Integer);
            _tasks.Write((int)t.Status, NpgsqlDbType.Integer);
            _tasks.Write(t.Spec.CaseId, NpgsqlDbType.Text);
            _tasks.Write(t.Spec.WardId, NpgsqlDbType.Text);
            _tasks.Write(t.Spec.AssigneeAgencyId, NpgsqlDbType.Text);
            _tasks.Write(t.Spec.DueTime, NpgsqlDbType.TimestampTz);
            _tasks.Write(TaskStateMachine.IsOpen(t.Status), NpgsqlDbType.Boolean);
            _tasks.Write(t.AwaitsReview, NpgsqlDbType.Boolean);
            _tasks.Write(g.TaskJson?[k] ?? JsonSerializer.Serialize(t, Json), NpgsqlDbType.Jsonb);
            _tasks.Write(t.UpdateTime, NpgsqlDbType.TimestampTz);
            _tasks.Write(t.CreateTime, NpgsqlDbType.TimestampTz);
            Nullable(_tasks, m.AcceptedAt);
            Nullable(_tasks, m.FinalAt);
            Nullable(_tasks, m.ReviewedAt);
            _tasks.Write(m.RejectReason, NpgsqlDbType.Text);
            _tasks.Write(t.Spec.Conference, NpgsqlDbType.Text);
            _tasks.Write((int)t.StatusReasonCode, NpgsqlDbType.Integer);
            _tasks.Write((int)(t.Outcome?.OutcomeCode ?? TaskOutcomeCode.Unspecified), NpgsqlDbType.Integer);
            Tasks++;
        }

        for (var i = 0; i < g.Events.Count; i++)
        {
            var e = g.Events[i];
            _events.StartRow();
            _events.Write(c.Id, NpgsqlDbType.Text);
            _events.Write((long)i + 1, NpgsqlDbType.Bigint);
            _events.Write(c.WardId, NpgsqlDbType.Text);
            _events.Write(c.ClusterId, NpgsqlDbType.Text);
            _events.Write(e.Time, NpgsqlDbType.TimestampTz);
            _events.Write(e.Action, NpgsqlDbType.Text);
            _events.Write(e.Step, NpgsqlDbType.Integer);
            _events.Write(e.Detail, NpgsqlDbType.Text);
            Events++;
        }

        foreach (var rem in g.Reminders)
        {
            _reminders.StartRow();
            _reminders.Write(rem.ItemKey, NpgsqlDbType.Text);
            _reminders.Write(rem.Target, NpgsqlDbType.Text);
            _reminders.Write(rem.TargetId, NpgsqlDbType.Text);
            _reminders.Write(rem.Kind, NpgsqlDbType.Integer);
            _reminders.Write(rem.DueAt, NpgsqlDbType.TimestampTz);
            Nullable(_reminders, rem.FiredAt);
            _reminders.Write("", NpgsqlDbType.Text);
            _reminders.Write(true, NpgsqlDbType.Boolean);
            Reminders++;
        }

        foreach (var a in g.Audit)
        {
            _audit.StartRow();
            _audit.Write(a.Time, NpgsqlDbType.TimestampTz);
            _audit.Write(a.Principal, NpgsqlDbType.Text);
            _audit.Write(a.Role, NpgsqlDbType.Text);
            _audit.Write(a.Scope, NpgsqlDbType.Text);
            _audit.Write(a.Method, NpgsqlDbType.Text);
            _audit.Write(a.Resource, NpgsqlDbType.Text);
            _audit.Write("OK", NpgsqlDbType.Text);
            _audit.Write("", NpgsqlDbType.Text);
            AuditRows++;
        }
    }

    /// <inheritdoc/>
    public async Task CompleteAsync()
    {
        foreach (var copy in new[] { _cases, _tasks, _events, _reminders, _audit })
        {
            await copy.CompleteAsync();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var copy in new[] { _cases, _tasks, _events, _reminders, _audit })
        {
            await copy.DisposeAsync();
        }
        foreach (var conn in _connections)
        {
            await conn.DisposeAsync();
        }
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
}
