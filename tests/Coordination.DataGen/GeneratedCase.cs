using Coordination.Silo.Cases;
using Coordination.Silo.Tasks;

namespace Coordination.DataGen;

/// <summary>
/// One generated case with everything written for it: the case and task records exactly as the
/// grains would project them, the earliest running clock, the case timeline entries the reports and
/// the start-up backfill look for, the follow-up rows of open items, and the audit trail.
/// </summary>
public sealed record GeneratedCase(
    CaseRecord Case,
    DateTimeOffset? NextDue,
    IReadOnlyList<TaskRecord> Tasks,
    IReadOnlyList<GeneratedCaseEvent> Events,
    IReadOnlyList<GeneratedReminder> Reminders,
    IReadOnlyList<GeneratedAudit> Audit)
{
    /// <summary>The case record as read-model JSON, when serialised ahead (on the generating threads).</summary>
    public string? CaseJson { get; set; }

    /// <summary>The task records as read-model JSON, in the order of <see cref="Tasks"/>, when serialised ahead.</summary>
    public string[]? TaskJson { get; set; }
}

/// <summary>A case timeline entry (<c>case_events</c>).</summary>
public sealed record GeneratedCaseEvent(DateTimeOffset Time, string Action, int Step, string Detail);

/// <summary>A follow-up row (<c>reminders</c>): pending when <see cref="FiredAt"/> is null.</summary>
public sealed record GeneratedReminder(string ItemKey, string Target, string TargetId, int Kind, DateTimeOffset DueAt, DateTimeOffset? FiredAt);

/// <summary>An audit row (<c>audit_events</c>), as the audit interceptor writes it.</summary>
public sealed record GeneratedAudit(DateTimeOffset Time, string Principal, string Role, string Scope, string Method, string Resource);

/// <summary>
/// Where generated cases go. <see cref="ReadModelCopySink"/> writes the read-model and query rows;
/// a grain-state writer (the case and task state the grains load on activation) is another sink fed
/// the same records, added once the task state has its own table.
/// </summary>
public interface IGeneratedDataSink : IAsyncDisposable
{
    /// <summary>Writes one case and its tasks.</summary>
    void Write(GeneratedCase generated);

    /// <summary>Commits everything written.</summary>
    Task CompleteAsync();
}
