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

    /// <summary>
    /// Whether CreateCase refuses an intake with a strong possible duplicate that the caller did not
    /// acknowledge (on by default). Off only for bulk imports of records already checked elsewhere,
    /// and in the test suite's shared hosts that open many cases for the same made-up child.
    /// </summary>
    public bool RefuseDuplicates { get; set; } = true;

    /// <summary>Prefix of counselling session ids: TV-2026-000042 (tư vấn).</summary>
    public string CounsellingIdPrefix { get; set; } = "TV";
}
