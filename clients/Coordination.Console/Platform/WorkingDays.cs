using System.Collections.Concurrent;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Grpc.Core;

namespace Coordination.WebConsole.Platform;

/// <summary>
/// The platform's working-day calendar (weekends and Vietnamese holidays), fetched through the
/// contract once per year and kept for a few hours, to say "còn 2 ngày làm việc".
/// </summary>
public sealed class WorkingDays(PlatformClient platform, TimeProvider time)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(6);
    private readonly ConcurrentDictionary<int, (HashSet<DateOnly> Days, DateTimeOffset Until)> _daysOff = new();

    /// <summary>Vietnam's time zone.</summary>
    public static readonly TimeZoneInfo VietnamTime = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    /// <summary>Loads the days off of <paramref name="years"/> (already kept ones are not fetched again).</summary>
    public async Task LoadAsync(params int[] years)
    {
        foreach (var year in years)
        {
            if (_daysOff.TryGetValue(year, out var kept) && kept.Until > time.GetUtcNow())
            {
                continue;
            }
            try
            {
                var reply = await platform.Calendar.ListDaysOffAsync(new ListDaysOffRequest { Year = year });
                _daysOff[year] = ([.. reply.Days.Select(d => new DateOnly(d.Year, d.Month, d.Day))], time.GetUtcNow() + KeepFor);
            }
            catch (RpcException)
            {
                // Without the calendar, deadlines are still shown by date; counts skip weekends only.
            }
        }
    }

    /// <summary>Whether <paramref name="day"/> is a working day (as far as the loaded calendar knows).</summary>
    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !(_daysOff.TryGetValue(day.Year, out var off) && off.Days.Contains(day));

    /// <summary>Working days after <paramref name="from"/>'s date up to and including <paramref name="to"/>'s date.</summary>
    public int Between(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
        {
            if (IsWorkingDay(d))
            {
                count++;
            }
        }
        return count;
    }
}
