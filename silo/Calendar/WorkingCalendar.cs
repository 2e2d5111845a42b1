namespace Coordination.Silo.Calendar;

/// <summary>
/// Working days in Asia/Ho_Chi_Minh: Monday to Friday, except public holidays. Deadlines "in N
/// working days" keep the time of day and land on the N-th working day after the start.
/// The holiday list comes from configuration (the government fixes the exact days off each year).
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>The time zone every deadline is computed in.</summary>
    public static readonly TimeZoneInfo VietnamTime = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    private readonly HashSet<DateOnly> _holidays;

    /// <summary>Creates a calendar with the given days off.</summary>
    public WorkingCalendar(IEnumerable<DateOnly> holidays) => _holidays = [.. holidays];

    /// <summary>
    /// The calendar of the statutory holidays of <paramref name="firstYear"/> to
    /// <paramref name="lastYear"/> plus <paramref name="extraDaysOff"/> (the days the government adds).
    /// </summary>
    public static WorkingCalendar ForYears(int firstYear, int lastYear, IEnumerable<DateOnly> extraDaysOff) =>
        new(Enumerable.Range(firstYear, lastYear - firstYear + 1).SelectMany(VietnamHolidays.DaysOff).Concat(extraDaysOff))
        {
            FirstYear = firstYear,
            LastYear = lastYear,
        };

    /// <summary>First year whose statutory holidays the calendar knows (<see cref="int.MinValue"/> when not said).</summary>
    public int FirstYear { get; private init; } = int.MinValue;

    /// <summary>Last year whose statutory holidays the calendar knows (<see cref="int.MaxValue"/> when not said).</summary>
    public int LastYear { get; private init; } = int.MaxValue;

    /// <summary>The week days of <paramref name="year"/> that are not working days, in date order.</summary>
    public IReadOnlyList<DateOnly> DaysOffIn(int year) =>
        [.. _holidays.Where(d => d.Year == year && d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Order()];

    /// <summary>Whether <paramref name="day"/> is a working day.</summary>
    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day);

    /// <summary>An instant as people read it: Vietnam local time, <c>dd/MM/yyyy HH:mm</c>.</summary>
    public static string FormatLocal(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, VietnamTime).ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The instant <paramref name="days"/> working days after (or, when negative, before)
    /// <paramref name="start"/>, same local time of day.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        var local = TimeZoneInfo.ConvertTime(start, VietnamTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        var step = days < 0 ? -1 : 1;
        var added = 0;
        while (added < Math.Abs(days))
        {
            day = day.AddDays(step);
            if (IsWorkingDay(day))
            {
                added++;
            }
        }
        var result = day.ToDateTime(TimeOnly.FromDateTime(local.DateTime));
        return new DateTimeOffset(result, VietnamTime.GetUtcOffset(result)).ToUniversalTime();
    }
}
