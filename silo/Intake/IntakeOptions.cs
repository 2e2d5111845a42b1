namespace Coordination.Silo.Intake;

/// <summary>How ids look (section <c>Intake</c>).</summary>
public sealed class IntakeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Intake";

    /// <summary>Prefix of case ids, e.g. "DN" for Đà Nẵng: DN-2026-000123.</summary>
    public string CaseIdPrefix { get; set; } = "DN";

    /// <summary>Prefix of task ids: T-2026-000045.</summary>
    public string TaskIdPrefix { get; set; } = "T";
}
