using System.Globalization;
using Coordination.Api.Reports;
using Coordination.Silo.Calendar;
using Npgsql;

namespace Coordination.Api.Hosting;

/// <summary>What the database needs before the host starts: reachable, migrated, and the working-day calendar written.</summary>
public static class DatabaseStartup
{
    /// <summary>
    /// Waits for PostgreSQL, applies pending migrations (each named on the console), and writes the
    /// calendar: statutory holidays computed for the years around now, plus the extra days off in
    /// configuration (<c>Calendar:Holidays</c>); reports read the same calendar from PostgreSQL.
    /// </summary>
    public static async Task<WorkingCalendar> PrepareAsync(IConfiguration configuration, NpgsqlDataSource dataSource)
    {
        await Preflight.WaitForDatabaseAsync(dataSource, TimeSpan.FromSeconds(20));
        foreach (var name in await Preflight.MigrateAsync(dataSource))
        {
            Console.WriteLine($"coordination: applied migration {name}");
        }
        var thisYear = TimeProvider.System.GetUtcNow().Year;
        var (firstYear, lastYear) = CalendarTable.Years(thisYear);
        var calendar = WorkingCalendar.ForYears(firstYear, lastYear,
            configuration.GetSection("Calendar:Holidays").Get<string[]>()?.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)) ?? []);
        await CalendarTable.WriteAsync(dataSource, calendar, firstYear, lastYear);
        return calendar;
    }
}
