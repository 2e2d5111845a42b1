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
