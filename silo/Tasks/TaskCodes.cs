namespace Coordination.Silo.Tasks;

/// <summary>Why an agency declined or could not do a task. Numbers match the contract (TaskReasonCode): never renumber.</summary>
public enum TaskReasonCode
{
    /// <summary>Not given (callers before codes existed): the text carries the reason.</summary>
    Unspecified = 0,
    /// <summary>No capacity now.</summary>
    NoCapacity = 1,
    /// <summary>Not eligible for the service.</summary>
    NotEligible = 2,
    /// <summary>Outside the agency's area.</summary>
    OutsideArea = 3,
    /// <summary>A duplicate of something the agency already has.</summary>
    Duplicate = 4,
    /// <summary>The person could not be contacted.</summary>
    CannotContact = 5,
    /// <summary>The person or guardian declined.</summary>
    PersonDeclined = 6,
    /// <summary>Another reason, which the text gives.</summary>
    Other = 7,
}

/// <summary>What came of a completed task. Numbers match the contract (TaskOutcomeCode): never renumber.</summary>
public enum TaskOutcomeCode
{
    /// <summary>Not given (callers before codes existed): the result text says it.</summary>
    Unspecified = 0,
    /// <summary>The service was provided.</summary>
    ServiceProvided = 1,
    /// <summary>Partly provided.</summary>
    PartlyProvided = 2,
    /// <summary>Referred elsewhere.</summary>
    ReferredElsewhere = 3,
    /// <summary>The person or guardian declined.</summary>
    PersonDeclined = 4,
    /// <summary>The person could not be contacted.</summary>
    CannotContact = 5,
    /// <summary>Another outcome, which the result text describes.</summary>
    Other = 6,
}

/// <summary>
/// One step on a task as its caller asked for it: the action, its text (reason, note, comment),
/// the outcome report of a completion and the reason code of a rejection or failure.
/// </summary>
[GenerateSerializer, Alias("coord.TaskStep")]
public sealed record TaskStep(
    [property: Id(0)] TaskAction Action,
    [property: Id(1)] string Text,
    [property: Id(2)] OutcomeReport? Outcome = null,
    [property: Id(3)] TaskReasonCode ReasonCode = TaskReasonCode.Unspecified);

/// <summary>The rules of coded reasons and outcomes, pure so that they are tested without a cluster.</summary>
public static class TaskCodes
{
    /// <summary>Whether the action takes a reason code (a rejection or a failure).</summary>
    public static bool TakesReasonCode(TaskAction action) => action is TaskAction.Reject or TaskAction.Fail;

    /// <summary>
    /// Whether the step needs text. A coded rejection or failure may go without (the code says
    /// why); uncoded (old callers) and OTHER must say why in words. Every other step keeps the
    /// state machine's rule.
    /// </summary>
    public static bool NeedsText(TaskAction action, TaskReasonCode code) =>
        TakesReasonCode(action) ? code is TaskReasonCode.Unspecified or TaskReasonCode.Other : TaskStateMachine.NeedsReason(action);

    /// <summary>Whether a reason code is one the contract defines.</summary>
    public static bool IsKnown(TaskReasonCode code) => Enum.IsDefined(code);

    /// <summary>Whether an outcome code is one the contract defines.</summary>
    public static bool IsKnown(TaskOutcomeCode code) => Enum.IsDefined(code);

    /// <summary>Vietnamese and English label of a reason code (the status reason when no text is given).</summary>
    public static string Label(TaskReasonCode code) => code switch
    {
        TaskReasonCode.NoCapacity => "Không đủ năng lực tiếp nhận / no capacity",
        TaskReasonCode.NotEligible => "Không thuộc đối tượng / not eligible",
        TaskReasonCode.OutsideArea => "Ngoài địa bàn / outside our area",
        TaskReasonCode.Duplicate => "Trùng lặp / duplicate",
        TaskReasonCode.CannotContact => "Không liên lạc được / cannot contact the person",
        TaskReasonCode.PersonDeclined => "Người được hỗ trợ từ chối / the person declined",
        TaskReasonCode.Other => "Lý do khác / other",
        _ => "Không nêu mã lý do / no reason code",
    };

    /// <summary>Vietnamese label of a reason code, as the reports show it.</summary>
    public static string VietnameseLabel(TaskReasonCode code) => Label(code).Split(" / ")[0];

    /// <summary>Vietnamese label of an outcome code, as the reports show it.</summary>
    public static string VietnameseLabel(TaskOutcomeCode code) => code switch
    {
        TaskOutcomeCode.ServiceProvided => "Đã cung cấp dịch vụ",
        TaskOutcomeCode.PartlyProvided => "Cung cấp một phần",
        TaskOutcomeCode.ReferredElsewhere => "Đã chuyển nơi khác",
        TaskOutcomeCode.PersonDeclined => "Người được hỗ trợ từ chối",
        TaskOutcomeCode.CannotContact => "Không liên lạc được",
        TaskOutcomeCode.Other => "Kết quả khác",
        _ => "Không nêu mã kết quả",
    };

    /// <summary>The text a rejection or failure records: the caller's words, or the code's label when it gave none.</summary>
    public static string ReasonText(string text, TaskReasonCode code) => text.Length > 0 ? text : Label(code);
}
