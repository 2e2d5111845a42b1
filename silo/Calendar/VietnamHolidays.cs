using System.Globalization;

namespace Coordination.Silo.Calendar;

/// <summary>
/// Vietnamese public holidays of a year, as the Labour Code 2019 (Article 112) defines them:
/// 1 January; Tết — five days, from the last day of the lunar year to the 4th day of the new one;
/// Hùng Kings' day (10th day of the 3rd lunar month); 30 April; 1 May; 2 September with the day
/// before. A holiday that falls on a weekend is made up on the next working day. Lunar dates come
/// from .NET's <see cref="ChineseLunisolarCalendar"/>, which matches the Vietnamese calendar for
/// the years checked in the tests (it differs in a few past years, e.g. 1985, because Vietnam uses
/// UTC+7); the government's exact days off for a year are configuration on top of this.
/// </summary>
public static class VietnamHolidays
{
    private static readonly ChineseLunisolarCalendar Lunar = new();

    /// <summary>The public holidays of <paramref name="year"/>, without make-up days.</summary>
    public static IReadOnlyList<(DateOnly Date, string Name)> Of(int year)
    {
        var newYear = LunarNewYear(year);
        var days = new List<(DateOnly, string)> { (new DateOnly(year, 1, 1), "Tết Dương lịch") };
        for (var d = -1; d <= 3; d++)
        {
            days.Add((newYear.AddDays(d), "Tết Nguyên đán"));
        }
        days.Add((FromLunar(year, 3, 10), "Giỗ Tổ Hùng Vương"));
        days.Add((new DateOnly(year, 4, 30), "Ngày Chiến thắng"));
        days.Add((new DateOnly(year, 5, 1), "Ngày Quốc tế Lao động"));
        days.Add((new DateOnly(year, 9, 1), "Quốc khánh"));
        days.Add((new DateOnly(year, 9, 2), "Quốc khánh"));
        return days;
    }

    /// <summary>Every day off work in <paramref name="year"/> that falls on a weekday: holidays plus make-up days.</summary>
    public static IReadOnlySet<DateOnly> DaysOff(int year)
    {
        var holidays = Of(year).Select(h => h.Date).ToHashSet();
        var off = holidays.Where(IsWeekday).ToHashSet();
        // Each holiday on a Saturday or Sunday gives the next weekday that is not already off.
        foreach (var weekend in holidays.Where(d => !IsWeekday(d)).Order())
        {
            var d = weekend.AddDays(1);
            while (!IsWeekday(d) || off.Contains(d))
            {
                d = d.AddDays(1);
            }
            off.Add(d);
        }
        return off;
    }

    /// <summary>The Gregorian date of the 1st day of the 1st lunar month in <paramref name="year"/>.</summary>
    public static DateOnly LunarNewYear(int year) => FromLunar(year, 1, 1);

    private static DateOnly FromLunar(int year, int month, int day)
    {
        // Leap months shift the month numbering: month N is the N-th month unless a leap month came before it.
        var leap = Lunar.GetLeapMonth(year);
        var index = leap > 0 && leap <= month ? month + 1 : month;
        return DateOnly.FromDateTime(Lunar.ToDateTime(year, index, day, 0, 0, 0, 0));
    }

    private static bool IsWeekday(DateOnly d) => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
}
