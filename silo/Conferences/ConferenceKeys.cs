using System.Globalization;
using Coordination.Silo.Calendar;

namespace Coordination.Silo.Conferences;

/// <summary>Conference ids: <c>2026-q4</c> (regular) and <c>2026-q4-x1</c> (extraordinary), keyed with their cluster.</summary>
public static class ConferenceKeys
{
    /// <summary>The grain key of a conference: <c>{cluster}/{conference}</c>.</summary>
    public static string Of(string clusterId, string conferenceId) => clusterId + "/" + conferenceId;

    /// <summary>Splits a grain key into cluster and conference id.</summary>
    public static (string ClusterId, string ConferenceId) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (key, "") : (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The quarter of <paramref name="time"/> in Vietnam, e.g. <c>2026-q4</c>.</summary>
    public static string QuarterOf(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, WorkingCalendar.VietnamTime);
        return string.Create(CultureInfo.InvariantCulture, $"{local.Year}-q{((local.Month - 1) / 3) + 1}");
    }

    /// <summary>
    /// When the agenda of a conference starting at <paramref name="startTime"/> is built:
    /// <paramref name="workingDays"/> working days before, at the same local time (never after the start).
    /// </summary>
    public static DateTimeOffset PreparationTime(WorkingCalendar calendar, DateTimeOffset startTime, int workingDays) =>
        calendar.AddWorkingDays(startTime, -Math.Max(0, workingDays));

    /// <summary>The id of the <paramref name="n"/>-th extraordinary conference of a quarter.</summary>
    public static string Extraordinary(string quarter, long n) => string.Create(CultureInfo.InvariantCulture, $"{quarter}-x{n}");
}
