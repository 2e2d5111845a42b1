using System.Globalization;
using Coordination.V1;

namespace Coordination.WebConsole.Platform;

/// <summary>The period of a report as people choose it: a quarter, a year, or two dates.</summary>
public static class ReportPeriods
{
    /// <summary>The period chosen (dates first, then a year, then a quarter), or null when none is.</summary>
    public static ReportPeriod? From(string? quarter, string? year, string? from, string? to, DateTimeOffset now)
    {
        if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            return new ReportPeriod
            {
                Dates = new DateRange
                {
                    StartDate = new CalendarDate { Year = start.Year, Month = start.Month, Day = start.Day },
                    EndDate = new CalendarDate { Year = end.Year, Month = end.Month, Day = end.Day },
                },
            };
        }
        if (int.TryParse(year, NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) && y > 0)
        {
            return new ReportPeriod { Year = y };
        }
        return quarter is { Length: > 0 } ? new ReportPeriod { Quarter = quarter } : null;
    }

    /// <summary>The quarter an instant falls in, in Vietnam time, e.g. <c>2026-Q4</c>.</summary>
    public static string QuarterOf(DateTimeOffset t)
    {
        var local = Clock.Local(t);
        return $"{local.Year}-Q{(local.Month - 1) / 3 + 1}";
    }
}
