using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;

namespace Coordination.UnitTests;

public sealed class CalendarAndClockTests
{
    private static readonly WorkingCalendar Calendar = new([new DateOnly(2026, 4, 30), new DateOnly(2026, 5, 1)]);

    private static DateTimeOffset Hanoi(int y, int mo, int d, int h) => new(y, mo, d, h, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public void Five_working_days_skip_the_weekend_and_holidays_and_keep_the_local_time()
    {
        // Tue 28 Apr 2026, 09:00 → Wed 29, (Thu 30 and Fri 1 May holidays), Mon 4, Tue 5, Wed 6, Thu 7.
        var due = Calendar.AddWorkingDays(Hanoi(2026, 4, 28, 9), 5);

        Assert.Equal(Hanoi(2026, 5, 7, 9), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void A_report_late_in_the_utc_day_counts_from_the_vietnamese_date()
    {
        // 2026-05-08 18:00 UTC is already Saturday 9 May 01:00 in Vietnam.
        var due = Calendar.AddWorkingDays(new DateTimeOffset(2026, 5, 8, 18, 0, 0, TimeSpan.Zero), 1);

        Assert.Equal(Hanoi(2026, 5, 11, 1), due);
    }

    private static CaseRecord NewCase(CaseStep step, RiskLevel risk, SupportPlan? plan = null) => new(
        "DN-2026-000001", "hai-chau-1", "hai-chau",
        new CaseDetails(IntakeSource.HotlineCall, new Reporter("", "", "", ""), new Person("Nguyễn Văn A", Sex.Male, null, 8, "", ""), [2], "", ""),
        Hanoi(2026, 4, 28, 9), step, risk, null, null, plan, [], null, null, null, null,
        Actor.Platform, 1, Hanoi(2026, 4, 28, 9), Hanoi(2026, 4, 28, 9));

    [Fact]
    public void An_emergency_runs_the_twelve_hour_clock_only()
    {
        var clocks = CaseClocks.For(NewCase(CaseStep.Emergency, RiskLevel.Serious), Calendar, new CaseClockOptions());

        Assert.Equal(Hanoi(2026, 4, 28, 21), clocks.EmergencyMeasuresDue);
        Assert.Null(clocks.PlanDue);
        Assert.Equal([CaseClocks.EmergencyName], clocks.OverdueAt(Hanoi(2026, 4, 28, 22)));
        Assert.Empty(clocks.OverdueAt(Hanoi(2026, 4, 28, 20)));
    }

    [Fact]
    public void Planning_runs_the_five_day_clock_then_the_seven_day_approval_clock()
    {
        var planning = CaseClocks.For(NewCase(CaseStep.Planning, RiskLevel.Medium), Calendar, new CaseClockOptions());
        var plan = new SupportPlan("g", [], PlanStatus.Proposed, Actor.Platform, Hanoi(2026, 5, 4, 10), null, null, "");
        var proposed = CaseClocks.For(NewCase(CaseStep.Planning, RiskLevel.Medium, plan), Calendar, new CaseClockOptions());

        Assert.Equal(Hanoi(2026, 5, 7, 9), planning.PlanDue);
        Assert.Null(proposed.PlanDue);
        Assert.Equal(Hanoi(2026, 5, 13, 10), proposed.PlanApprovalDue);
    }

    [Theory]
    [InlineData("Nguyễn Thị Hằng", "nguyen thi hang")]
    [InlineData("ĐẶNG  Minh Đức", "dang minh duc")]
    [InlineData("Phường Hải Châu I", "phuong hai chau i")]
    public void Search_keys_ignore_diacritics_case_and_d_stroke(string text, string key) => Assert.Equal(key, SearchText.Fold(text));
}
