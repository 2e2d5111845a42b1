using Coordination.Silo.Tasks;
using TaskStatus = Coordination.Silo.Tasks.TaskStatus;

namespace Coordination.UnitTests;

/// <summary>The rules of coded reasons and outcomes, and of sending an outcome back.</summary>
public sealed class TaskCodeTests
{
    [Theory]
    [InlineData(TaskAction.Reject)]
    [InlineData(TaskAction.Fail)]
    public void A_coded_rejection_or_failure_may_go_without_words_but_other_may_not(TaskAction action)
    {
        foreach (var code in Enum.GetValues<TaskReasonCode>())
        {
            var needsText = code is TaskReasonCode.Unspecified or TaskReasonCode.Other;
            Assert.Equal(needsText, TaskCodes.NeedsText(action, code));
        }
    }

    [Fact]
    public void An_old_caller_without_a_code_still_gives_the_reason_in_words()
    {
        Assert.True(TaskCodes.NeedsText(TaskAction.Reject, TaskReasonCode.Unspecified));
        Assert.Equal("Không thuộc thẩm quyền", TaskCodes.ReasonText("Không thuộc thẩm quyền", TaskReasonCode.Unspecified));
    }

    [Fact]
    public void A_reason_code_without_words_records_its_label_in_both_languages()
    {
        Assert.Equal("Ngoài địa bàn / outside our area", TaskCodes.ReasonText("", TaskReasonCode.OutsideArea));
        Assert.Equal("Đã chuyển sang phường khác", TaskCodes.ReasonText("Đã chuyển sang phường khác", TaskReasonCode.OutsideArea));
    }

    [Fact]
    public void Every_code_has_a_vietnamese_label_in_normal_form()
    {
        foreach (var code in Enum.GetValues<TaskReasonCode>())
        {
            var label = TaskCodes.VietnameseLabel(code);
            Assert.False(string.IsNullOrWhiteSpace(label));
            Assert.Equal(label.Normalize(System.Text.NormalizationForm.FormC), label);
        }
        foreach (var code in Enum.GetValues<TaskOutcomeCode>())
        {
            Assert.False(string.IsNullOrWhiteSpace(TaskCodes.VietnameseLabel(code)));
        }
        Assert.Equal("Không đủ năng lực tiếp nhận", TaskCodes.VietnameseLabel(TaskReasonCode.NoCapacity));
        Assert.Equal("Người được hỗ trợ từ chối", TaskCodes.VietnameseLabel(TaskReasonCode.PersonDeclined));
    }

    [Fact]
    public void Codes_match_the_contract_numbers()
    {
        foreach (var code in Enum.GetValues<TaskReasonCode>())
        {
            Assert.Equal(code.ToString(), ((Coordination.V1.TaskReasonCode)(int)code).ToString());
        }
        foreach (var code in Enum.GetValues<TaskOutcomeCode>())
        {
            Assert.Equal(code.ToString(), ((Coordination.V1.TaskOutcomeCode)(int)code).ToString());
        }
        Assert.Equal(Enum.GetValues<TaskReasonCode>().Length, Enum.GetValues<Coordination.V1.TaskReasonCode>().Length);
        Assert.Equal(Enum.GetValues<TaskOutcomeCode>().Length, Enum.GetValues<Coordination.V1.TaskOutcomeCode>().Length);
    }

    [Fact]
    public void Unknown_code_numbers_are_not_known()
    {
        Assert.False(TaskCodes.IsKnown((TaskReasonCode)99));
        Assert.False(TaskCodes.IsKnown((TaskOutcomeCode)99));
        Assert.True(TaskCodes.IsKnown(TaskReasonCode.Other));
    }

    [Fact]
    public void Only_rejections_and_failures_take_a_reason_code()
    {
        Assert.Equal([TaskAction.Reject, TaskAction.Fail], Enum.GetValues<TaskAction>().Where(TaskCodes.TakesReasonCode));
    }

    [Fact]
    public void Sending_back_needs_a_comment_and_is_the_assigners_step()
    {
        Assert.True(TaskCodes.NeedsText(TaskAction.SendBackOutcome, TaskReasonCode.Unspecified));
        Assert.False(TaskCodes.NeedsText(TaskAction.ReviewOutcome, TaskReasonCode.Unspecified));
        Assert.Equal(TaskParty.Assigner, TaskStateMachine.PartyFor(TaskAction.SendBackOutcome));
    }

    [Fact]
    public void Only_a_completed_outcome_is_sent_back_and_it_reopens_the_task()
    {
        foreach (var s in Enum.GetValues<TaskStatus>())
        {
            Assert.Equal(s == TaskStatus.Completed ? TaskStatus.InProgress : null, TaskStateMachine.Next(s, TaskAction.SendBackOutcome));
        }
        // A failure is acknowledged or reassigned, never sent back.
        Assert.Null(TaskStateMachine.Next(TaskStatus.Failed, TaskAction.SendBackOutcome));
        Assert.Equal(TaskStatus.Failed, TaskStateMachine.Next(TaskStatus.Failed, TaskAction.ReviewOutcome));
    }

    [Fact]
    public void A_task_sent_back_is_final_again_only_when_completed_again()
    {
        var t0 = DateTimeOffset.Parse("2026-03-02T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var actor = new Coordination.Silo.Common.Actor("agencies/p", "P", "agency", "agencies/p");
        TaskEvent E(int hours, string action, TaskStatus s) => new(t0.AddHours(hours), actor, action, s, "", "");
        var spec = new TaskSpec(TaskKind.Assignment, "", "w", "p", "t", "i", TaskPriority.Routine, t0.AddDays(5), null, "");
        var r = new TaskRecord("T-1", spec, TaskStatus.InProgress, actor, null, null, "", false, "",
            [E(0, "CREATED", TaskStatus.Requested), E(1, "ACCEPTED", TaskStatus.Accepted), E(2, "COMPLETED", TaskStatus.Completed),
             E(3, "OUTCOME_SENT_BACK", TaskStatus.InProgress)], 5, t0, t0.AddHours(3));

        Assert.Null(TaskMilestones.Of(r).FinalAt);
        var again = r with { Status = TaskStatus.Completed, History = [.. r.History, E(4, "COMPLETED", TaskStatus.Completed), E(5, "OUTCOME_REVIEWED", TaskStatus.Completed)] };
        Assert.Equal(t0.AddHours(4), TaskMilestones.Of(again).FinalAt);
        Assert.Equal(t0.AddHours(5), TaskMilestones.Of(again).ReviewedAt);
    }
}
