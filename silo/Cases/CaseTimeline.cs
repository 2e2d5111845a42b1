namespace Coordination.Silo.Cases;

/// <summary>
/// The bounded timeline of a case state. Entries are numbered from the state's
/// <see cref="CaseState.TimelineLength"/>, kept in <see cref="CaseState.TimelineTail"/> until they
/// are known to be in the timeline table (<see cref="CaseTimelineStore"/>), and dropped from the tail
/// at the next state write after that. The tail therefore never holds more than the entries of one
/// change and those whose writing failed, whatever the length of the timeline.
/// </summary>
public static class CaseTimeline
{
    /// <summary>
    /// Brings a state written before migration 0021 (its whole timeline in the tail, no length) to the
    /// bounded form: returns true when it did, and the tail must then be written to the table and trimmed.
    /// </summary>
    public static bool Upgrade(CaseState s)
    {
        if (s.TimelineLength > 0 || s.TimelineTail.Count == 0)
        {
            return false;
        }
        s.TimelineLength = s.TimelineTail.Max(e => e.Sequence);
        return true;
    }

    /// <summary>Appends <paramref name="entry"/> as the next entry (its sequence is set here) and returns it.</summary>
    public static TimelineEntry Append(CaseState s, TimelineEntry entry)
    {
        var last = s.TimelineTail.Count > 0 ? s.TimelineTail[^1].Sequence : 0;
        var numbered = entry with { Sequence = Math.Max(s.TimelineLength, last) + 1, Time = ToMicroseconds(entry.Time) };
        s.TimelineTail.Add(numbered);
        s.TimelineLength = numbered.Sequence;
        return numbered;
    }

    /// <summary>
    /// The entries of the tail numbered above <paramref name="written"/> and at most
    /// <paramref name="stored"/> (those a successful state write holds), with the step after each.
    /// </summary>
    public static Unwritten After(CaseState s, long written, long stored)
    {
        var tail = s.TimelineTail;
        var steps = CaseHistory.StepsOf(tail, s.TailStep);
        var first = tail.FindIndex(e => e.Sequence > written);
        if (first < 0)
        {
            return new Unwritten([], [], StepBefore(s, steps, tail.Count));
        }
        var end = first;
        while (end < tail.Count && tail[end].Sequence <= stored)
        {
            end++;
        }
        return new Unwritten(tail[first..end], steps[first..end], StepBefore(s, steps, first));
    }

    /// <summary>
    /// Drops the entries numbered up to <paramref name="written"/> (known to be in the table) from the
    /// tail, keeping the step after the last one dropped.
    /// </summary>
    public static void Trim(CaseState s, long written)
    {
        var tail = s.TimelineTail;
        var count = tail.FindIndex(e => e.Sequence > written);
        count = count < 0 ? tail.Count : count;
        if (count == 0)
        {
            return;
        }
        s.TailStep = CaseHistory.StepsOf(tail, s.TailStep)[count - 1];
        tail.RemoveRange(0, count);
    }

    /// <summary>
    /// The timeline as read from the table, followed by the tail entries not in it yet (a write that
    /// has not reached the table).
    /// </summary>
    public static TimelineEntry[] Merge(IReadOnlyList<TimelineEntry> table, IReadOnlyList<TimelineEntry> tail)
    {
        var last = table.Count > 0 ? table[^1].Sequence : 0;
        return [.. table, .. tail.Where(e => e.Sequence > last)];
    }

    /// <summary>PostgreSQL keeps microseconds: entries carry no more, so the tail and the table agree.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % 10, t.Offset);

    private static CaseStep StepBefore(CaseState s, CaseStep[] steps, int index) => index == 0 ? s.TailStep : steps[index - 1];

    /// <summary>Tail entries to write to the table: <see cref="Steps"/>[i] is the step after <see cref="Entries"/>[i].</summary>
    public sealed record Unwritten(IReadOnlyList<TimelineEntry> Entries, CaseStep[] Steps, CaseStep Before)
    {
        /// <summary>Whether any of the entries moves the case to another step (the stays must then be rebuilt).</summary>
        public bool ChangesStep => Steps.Where((step, i) => step != (i == 0 ? Before : Steps[i - 1])).Any();
    }
}
