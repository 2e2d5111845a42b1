using Coordination.Silo.Calendar;

namespace Coordination.UnitTests;

public sealed class VietnamHolidayTests
{
    [Theory]
    // Published dates of Tết Nguyên đán and Giỗ Tổ Hùng Vương.
    [InlineData(2024, "2024-02-10", "2024-04-18")]
    [InlineData(2025, "2025-01-29", "2025-04-07")]
    [InlineData(2026, "2026-02-17", "2026-04-26")]
    [InlineData(2027, "2027-02-06", "2027-04-16")]
    [InlineData(2028, "2028-01-26", "2028-04-04")]
    public void Lunar_holidays_fall_on_the_published_dates(int year, string tet, string hungKings)
    {
        Assert.Equal(DateOnly.Parse(tet), VietnamHolidays.LunarNewYear(year));
        Assert.Contains(VietnamHolidays.Of(year), h => h.Name == "Giỗ Tổ Hùng Vương" && h.Date == DateOnly.Parse(hungKings));
    }

    public static TheoryData<int, string[]> DaysOff => new()
    {
        {
            2026,
            [
                "2026-01-01",
                "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
                "2026-04-27", // Hùng Kings on Sunday 26 April → Monday
                "2026-04-30", "2026-05-01",
                "2026-09-01", "2026-09-02",
            ]
        },
        {
            2027,
            [
                "2027-01-01",
                "2027-02-05", "2027-02-08", "2027-02-09", // Tết Fri 5 – Tue 9 February
                "2027-02-10", "2027-02-11",               // made up for Sat 6 and Sun 7
                "2027-04-16", "2027-04-30",
                "2027-05-03",                             // 1 May is a Saturday
                "2027-09-01", "2027-09-02",
            ]
        },
        {
            2028,
            [
                "2028-01-03",                             // 1 January is a Saturday
                "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28",
                "2028-01-31",                             // Tết's Saturday 29 January
                "2028-04-04",
                "2028-05-01", "2028-05-02",               // 30 April is a Sunday
                "2028-09-01", "2028-09-04",               // 2 September is a Saturday
            ]
        },
    };

    [Theory]
    [MemberData(nameof(DaysOff))]
    public void Days_off_include_make_up_days_for_weekend_holidays(int year, string[] expected) =>
        Assert.Equal(expected.Select(DateOnly.Parse).Order(), VietnamHolidays.DaysOff(year).Order());

    [Fact]
    public void Five_working_days_from_the_eve_of_tet_2027_skip_the_whole_holiday()
    {
        var calendar = new WorkingCalendar(VietnamHolidays.DaysOff(2027));
        var report = new DateTimeOffset(2027, 2, 4, 9, 0, 0, TimeSpan.FromHours(7)); // Thursday before Tết

        // Fri 5 (Tết), Sat, Sun, Mon 8, Tue 9 (Tết), Wed 10, Thu 11 (made up) are off:
        // Fri 12, Mon 15, Tue 16, Wed 17, Thu 18.
        Assert.Equal(new DateTimeOffset(2027, 2, 18, 9, 0, 0, TimeSpan.FromHours(7)), calendar.AddWorkingDays(report, 5));
    }
}
