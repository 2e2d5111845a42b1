using Coordination.Silo.Cases;
using CaseStep = Coordination.Silo.Cases.CaseStep;
using TimelineEntry = Coordination.Silo.Cases.TimelineEntry;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.UnitTests;

/// <summary>The bounded timeline of a case state: numbering, the unwritten tail, trimming, legacy states.</summary>
public sealed class CaseTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static TimelineEntry Entry(string action, CaseStep step = CaseStep.Unspecified, long seq = 0, string detail = "") =>
        new(seq, T0.AddMinutes(seq), Actor.Platform, "", action, detail, "", step);

    [Fact]
    public void Entries_are_numbered_after_the_length_the_state_keeps_not_after_the_tail()
    {
        var s = new CaseState();
        Assert.Equal(1, CaseTimeline.Append(s, Entry("CASE_OPENED", CaseStep.Received)).Sequence);
        Assert.Equal(2, CaseTimeline.Append(s, Entry("NOTE_ADDED", CaseStep.Received)).Sequence);
        CaseTimeline.Trim(s, 2);
        Assert.Empty(s.TimelineTail);
        Assert.Equal(3, CaseTimeline.Append(s, Entry("NOTE_ADDED", CaseStep.Received)).Sequence);
        Assert.Equal(3, s.TimelineLength);
        Assert.Equal(3, Assert.Single(s.TimelineTail).Sequence);
    }

    [Fact]
    public void Many_notes_leave_the_tail_at_the_entries_of_one_change()
    {
        var s = new CaseState();
        long written = 0;
        for (var i = 0; i < 1_000; i++)
        {
            // What the grain does per change: append, trim at the state write, then write the tail.
            CaseTimeline.Append(s, Entry(i == 0 ? "CASE_OPENED" : "NOTE_ADDED", CaseStep.Received));
            CaseTimeline.Trim(s, written);
            Assert.Single(s.TimelineTail);
            var unwritten = CaseTimeline.After(s, written, s.TimelineLength);
            written = unwritten.Entries[^1].Sequence;
        }
        Assert.Equal(1_000, s.TimelineLength);
        Assert.Equal(CaseStep.Received, s.TailStep);
    }

    [Fact]
    public void Only_entries_of_a_stored_state_are_unwritten_and_the_step_before_them_is_known()
    {
        var s = new CaseState();
        CaseTimeline.Append(s, Entry("CASE_OPENED", CaseStep.Received));
        CaseTimeline.Append(s, Entry("INITIAL_ASSESSMENT_RECORDED", CaseStep.Emergency));
        CaseTimeline.Append(s, Entry("NOTE_ADDED", CaseStep.Emergency));
        CaseTimeline.Append(s, Entry("PLAN_PROPOSED", CaseStep.Planning));

        var u = CaseTimeline.After(s, written: 2, stored: 3);
        Assert.Equal([3L], u.Entries.Select(e => e.Sequence));
        Assert.Equal(CaseStep.Emergency, u.Before);
        Assert.False(u.ChangesStep);

        var rest = CaseTimeline.After(s, written: 3, stored: 4);
        Assert.Equal([4L], rest.Entries.Select(e => e.Sequence));
        Assert.True(rest.ChangesStep);

        CaseTimeline.Trim(s, 3);
        Assert.Equal(CaseStep.Emergency, s.TailStep);
        Assert.Equal(CaseStep.Emergency, CaseTimeline.After(s, 3, 4).Before);
        Assert.Empty(CaseTimeline.After(s, 4, 4).Entries);
    }

    [Fact]
    public void A_state_written_before_the_timeline_table_keeps_its_whole_timeline_as_the_tail_and_replays_its_steps()
    {
        // Before issue 11 entries carried no step; before migration 0021 the state had no length.
        var s = new CaseState
        {
            TimelineTail =
            [
                Entry("CASE_OPENED", seq: 1),
                Entry("INITIAL_ASSESSMENT_RECORDED", seq: 2, detail: "Risk Serious; step Emergency"),
                Entry("NOTE_ADDED", seq: 3),
            ],
        };
        Assert.True(CaseTimeline.Upgrade(s));
        Assert.False(CaseTimeline.Upgrade(s));
        Assert.Equal(3, s.TimelineLength);

        var all = CaseTimeline.After(s, 0, s.TimelineLength);
        Assert.Equal([CaseStep.Received, CaseStep.Emergency, CaseStep.Emergency], all.Steps);
        Assert.True(all.ChangesStep);

        CaseTimeline.Trim(s, 3);
        Assert.Empty(s.TimelineTail);
        Assert.Equal(CaseStep.Emergency, s.TailStep);
        Assert.Equal(4, CaseTimeline.Append(s, Entry("NOTE_ADDED")).Sequence);
        Assert.Equal(CaseStep.Emergency, CaseTimeline.After(s, 3, 4).Steps[0]);
    }

    [Fact]
    public void A_new_state_or_an_empty_tail_needs_no_upgrade()
    {
        Assert.False(CaseTimeline.Upgrade(new CaseState()));
    }

    [Fact]
    public void The_timeline_read_from_the_table_is_completed_by_the_tail_entries_it_lacks()
    {
        TimelineEntry[] table = [Entry("CASE_OPENED", seq: 1), Entry("NOTE_ADDED", seq: 2)];
        TimelineEntry[] tail = [Entry("NOTE_ADDED", seq: 2), Entry("NOTE_ADDED", seq: 3)];
        Assert.Equal([1L, 2L, 3L], CaseTimeline.Merge(table, tail).Select(e => e.Sequence));
        Assert.Equal([2L, 3L], CaseTimeline.Merge([], tail).Select(e => e.Sequence));
    }

    [Fact]
    public void Entry_times_keep_the_microseconds_PostgreSQL_keeps()
    {
        var s = new CaseState();
        var t = new DateTimeOffset(638_000_000_000_000_007, TimeSpan.Zero);
        Assert.Equal(638_000_000_000_000_000, CaseTimeline.Append(s, Entry("CASE_OPENED") with { Time = t }).Time.Ticks);
    }
}
