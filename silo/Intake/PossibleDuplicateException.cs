using Coordination.Silo.Common;

namespace Coordination.Silo.Intake;

/// <summary>One candidate a refused create names: its subject (a case, or only a ward) and a description.</summary>
[GenerateSerializer, Alias("coord.DuplicateNotice")]
public sealed record DuplicateNotice([property: Id(0)] string Subject, [property: Id(1)] string Description);

/// <summary>
/// CreateCase found strong possible duplicates the caller did not acknowledge. Sent as
/// FAILED_PRECONDITION with a google.rpc.PreconditionFailure naming each (already narrowed to what
/// the caller may see: a case the caller may not read appears as its ward only).
/// </summary>
[GenerateSerializer, Alias("coord.PossibleDuplicateException")]
public sealed class PossibleDuplicateException(IReadOnlyList<DuplicateNotice> notices)
    : CoordinationException(ReasonCode,
        $"This person may already have a case ({string.Join(", ", notices.Select(n => n.Subject))}); check, then resend with acknowledged_duplicates naming them / " +
        "người này có thể đã có hồ sơ; hãy kiểm tra, rồi gửi lại với acknowledged_duplicates.")
{
    /// <summary>The ErrorInfo reason and the PreconditionFailure violation type.</summary>
    public const string ReasonCode = "POSSIBLE_DUPLICATE";

    /// <summary>The unacknowledged strong candidates.</summary>
    [Id(0)]
    public IReadOnlyList<DuplicateNotice> Notices { get; } = notices;
}
