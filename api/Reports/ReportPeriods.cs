using System.Globalization;
using System.Text.RegularExpressions;
using Coordination.Silo.Calendar;
using Coordination.Silo.Common;
using Coordination.V1;

namespace Coordination.Api.Reports;

/// <summary>A reporting period resolved to instants: [Start, End), midnight to midnight in Vietnam.</summary>
public sealed record ResolvedPeriod(DateTimeOffset Start, DateTimeOffset End, string Label);

/// <summary>Turns the contract's periods (a quarter, a year, two dates) into instants in Asia/Ho_Chi_Minh.</summary>
public static partial class ReportPeriods
{
    /// <summary>Resolves <paramref name="period"/>; INVALID_ARGUMENT naming <paramref name="field"/> when it is not a valid period.</summary>
    public static ResolvedPeriod Resolve(ReportPeriod? period, string field)
    {
        switch (period?.KindCase ?? ReportPeriod.KindOneofCase.None)
        {
            case ReportPeriod.KindOneofCase.Quarter:
                var m = QuarterPattern().Match(period!.Quarter.Trim());
                if (!m.Success)
                {
                    throw new InvalidArgumentException(field + ".quarter", "A quarter is written like 2026-Q4 / quý viết dạng 2026-Q4.");
                }
                var (year, quarter) = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                return Quarter(year, quarter);
            case ReportPeriod.KindOneofCase.Year:
                if (period!.Year is < 2000 or > 2100)
                {
                    throw new InvalidArgumentException(field + ".year", "A year between 2000 and 2100 / năm từ 2000 đến 2100.");
                }
                return new ResolvedPeriod(Midnight(new DateOnly(period.Year, 1, 1)), Midnight(new DateOnly(period.Year + 1, 1, 1)),
                    period.Year.ToString(CultureInfo.InvariantCulture));
            case ReportPeriod.KindOneofCase.Dates:
                var first = Date(period!.Dates.StartDate, field + ".dates.start_date");
                var last = Date(period.Dates.EndDate, field + ".dates.end_date");
                if (last < first || last.DayNumber - first.DayNumber > 3660)
                {
                    throw new InvalidArgumentException(field + ".dates.end_date", "Must be on or after the start date, at most 10 years later / ngày kết thúc không hợp lệ.");
                }
                return new ResolvedPeriod(Midnight(first), Midnight(last.AddDays(1)),
                    $"{first.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}–{last.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}");
            default:
                throw new InvalidArgumentException(field, "Required: a quarter (2026-Q4), a year or two dates / cần kỳ báo cáo.");
        }
    }

    /// <summary>The quarter <paramref name="quarter"/> (1–4) of <paramref name="year"/>.</summary>
    public static ResolvedPeriod Quarter(int year, int quarter)
    {
        var first = new DateOnly(year, (quarter - 1) * 3 + 1, 1);
        return new ResolvedPeriod(Midnight(first), Midnight(first.AddMonths(3)), $"{year}-Q{quarter}");
    }

    /// <summary>The <paramref name="count"/> quarters ending with the one the period's last day falls in, oldest first.</summary>
    public static IReadOnlyList<ResolvedPeriod> TrendQuarters(ResolvedPeriod period, int count)
    {
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(period.End.AddTicks(-1), WorkingCalendar.VietnamTime).DateTime);
        var (year, quarter) = (lastDay.Year, (lastDay.Month - 1) / 3 + 1);
        var quarters = new List<ResolvedPeriod>();
        for (var i = 0; i < count; i++)
        {
            quarters.Add(Quarter(year, quarter));
            (year, quarter) = quarter == 1 ? (year - 1, 4) : (year, quarter - 1);
        }
        quarters.Reverse();
        return quarters;
    }

    /// <summary>Midnight at the start of <paramref name="day"/> in Vietnam.</summary>
    public static DateTimeOffset Midnight(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, WorkingCalendar.VietnamTime.GetUtcOffset(local)).ToUniversalTime();
    }

    private static DateOnly Date(CalendarDate? d, string field)
    {
        if (d is null || d.Year is < 2000 or > 2100 || d.Month is < 1 or > 12 || d.Day < 1 || d.Day > DateTime.DaysInMonth(d.Year, d.Month))
        {
            throw new InvalidArgumentException(field, "A valid date is required / cần ngày hợp lệ.");
        }
        return new DateOnly(d.Year, d.Month, d.Day);
    }

    [GeneratedRegex(@"^(\d{4})-[Qq]([1-4])$")]
    private static partial Regex QuarterPattern();
}
