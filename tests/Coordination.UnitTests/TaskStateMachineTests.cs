using Coordination.Silo.Tasks;
using TaskStatus = Coordination.Silo.Tasks.TaskStatus;

namespace Coordination.UnitTests;

public sealed class TaskStateMachineTests
{
    // The complete table: every status × every action. Anything not listed is refused.
    private static readonly Dictionary<(TaskStatus, TaskAction), TaskStatus> Allowed = new()
    {
        [(TaskStatus.Requested, TaskAction.Receive)] = TaskStatus.Received,
        [(TaskStatus.Requested, TaskAction.Accept)] = TaskStatus.Accepted,
        [(TaskStatus.Received, TaskAction.Accept)] = TaskStatus.Accepted,
        [(TaskStatus.Requested, TaskAction.Reject)] = TaskStatus.Rejected,
        [(TaskStatus.Received, TaskAction.Reject)] = TaskStatus.Rejected,
        [(TaskStatus.Accepted, TaskAction.Start)] = TaskStatus.InProgress,
        [(TaskStatus.OnHold, TaskAction.Start)] = TaskStatus.InProgress,
        [(TaskStatus.InProgress, TaskAction.Hold)] = TaskStatus.OnHold,
        [(TaskStatus.Accepted, TaskAction.ReportProgress)] = TaskStatus.InProgress,
        [(TaskStatus.InProgress, TaskAction.ReportProgress)] = TaskStatus.InProgress,
        [(TaskStatus.OnHold, TaskAction.ReportProgress)] = TaskStatus.OnHold,
        [(TaskStatus.InProgress, TaskAction.Complete)] = TaskStatus.Completed,
        [(TaskStatus.OnHold, TaskAction.Complete)] = TaskStatus.Completed,
        [(TaskStatus.Accepted, TaskAction.Fail)] = TaskStatus.Failed,
        [(TaskStatus.InProgress, TaskAction.Fail)] = TaskStatus.Failed,
        [(TaskStatus.OnHold, TaskAction.Fail)] = TaskStatus.Failed,
        [(TaskStatus.Requested, TaskAction.Cancel)] = TaskStatus.Cancelled,
        [(TaskStatus.Received, TaskAction.Cancel)] = TaskStatus.Cancelled,
        [(TaskStatus.Accepted, TaskAction.Cancel)] = TaskStatus.Cancelled,
        [(TaskStatus.InProgress, TaskAction.Cancel)] = TaskStatus.Cancelled,
        [(TaskStatus.OnHold, TaskAction.Cancel)] = TaskStatus.Cancelled,
        [(TaskStatus.Requested, TaskAction.Reassign)] = TaskStatus.Cancelled,
        [(TaskStatus.Received, TaskAction.Reassign)] = TaskStatus.Cancelled,
        [(TaskStatus.Accepted, TaskAction.Reassign)] = TaskStatus.Cancelled,
        [(TaskStatus.InProgress, TaskAction.Reassign)] = TaskStatus.Cancelled,
        [(TaskStatus.OnHold, TaskAction.Reassign)] = TaskStatus.Cancelled,
        [(TaskStatus.Rejected, TaskAction.Reassign)] = TaskStatus.Rejected,
        [(TaskStatus.Failed, TaskAction.Reassign)] = TaskStatus.Failed,
        [(TaskStatus.Completed, TaskAction.ReviewOutcome)] = TaskStatus.Completed,
        // A failure report is an outcome the assigner acknowledges (or reassigns the task).
        [(TaskStatus.Failed, TaskAction.ReviewOutcome)] = TaskStatus.Failed,
        // Only a completed outcome is sent back: the agency works on (IN_PROGRESS) and completes again.
        [(TaskStatus.Completed, TaskAction.SendBackOutcome)] = TaskStatus.InProgress,
        [(TaskStatus.Requested, TaskAction.Comment)] = TaskStatus.Requested,
        [(TaskStatus.Received, TaskAction.Comment)] = TaskStatus.Received,
        [(TaskStatus.Accepted, TaskAction.Comment)] = TaskStatus.Accepted,
        [(TaskStatus.Rejected, TaskAction.Comment)] = TaskStatus.Rejected,
        [(TaskStatus.InProgress, TaskAction.Comment)] = TaskStatus.InProgress,
        [(TaskStatus.OnHold, TaskAction.Comment)] = TaskStatus.OnHold,
        [(TaskStatus.Completed, TaskAction.Comment)] = TaskStatus.Completed,
        [(TaskStatus.Failed, TaskAction.Comment)] = TaskStatus.Failed,
        [(TaskStatus.Cancelled, TaskAction.Comment)] = TaskStatus.Cancelled,
    };

    public static TheoryData<TaskStatus, TaskAction> EveryPair()
    {
        var data = new TheoryData<TaskStatus, TaskAction>();
        foreach (var s in Enum.GetValues<TaskStatus>())
        {
            foreach (var a in Enum.GetValues<TaskAction>())
            {
                data.Add(s, a);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_status_and_action_is_allowed_or_refused_as_the_table_says(TaskStatus from, TaskAction action)
    {
        var expected = Allowed.TryGetValue((from, action), out var to) ? to : (TaskStatus?)null;

        Assert.Equal(expected, TaskStateMachine.Next(from, action));
    }

    [Fact]
    public void Final_statuses_allow_nothing_but_comments_reviews_sending_back_and_reassigning_a_refusal()
    {
        foreach (var s in Enum.GetValues<TaskStatus>().Where(TaskStateMachine.IsFinal))
        {
            var allowed = Enum.GetValues<TaskAction>().Where(a => TaskStateMachine.Next(s, a) is not null).ToHashSet();
            Assert.Subset(new HashSet<TaskAction> { TaskAction.Comment, TaskAction.ReviewOutcome, TaskAction.SendBackOutcome, TaskAction.Reassign }, allowed);
        }
    }

    [Fact]
    public void Only_the_assigner_cancels_reassigns_and_reviews()
    {
        Assert.Equal(TaskParty.Assigner, TaskStateMachine.PartyFor(TaskAction.Cancel));
        Assert.Equal(TaskParty.Assigner, TaskStateMachine.PartyFor(TaskAction.Reassign));
        Assert.Equal(TaskParty.Assigner, TaskStateMachine.PartyFor(TaskAction.ReviewOutcome));
        Assert.Equal(TaskParty.Assigner, TaskStateMachine.PartyFor(TaskAction.SendBackOutcome));
        Assert.Equal(TaskParty.Either, TaskStateMachine.PartyFor(TaskAction.Comment));
        foreach (var a in new[] { TaskAction.Receive, TaskAction.Accept, TaskAction.Reject, TaskAction.Start, TaskAction.Hold, TaskAction.ReportProgress, TaskAction.Complete, TaskAction.Fail })
        {
            Assert.Equal(TaskParty.Assignee, TaskStateMachine.PartyFor(a));
        }
    }

    [Fact]
    public void Rejection_failure_hold_and_cancellation_need_a_reason()
    {
        Assert.True(TaskStateMachine.NeedsReason(TaskAction.Reject));
        Assert.True(TaskStateMachine.NeedsReason(TaskAction.Fail));
        Assert.True(TaskStateMachine.NeedsReason(TaskAction.Hold));
        Assert.True(TaskStateMachine.NeedsReason(TaskAction.Cancel));
        Assert.False(TaskStateMachine.NeedsReason(TaskAction.Accept));
    }
}
