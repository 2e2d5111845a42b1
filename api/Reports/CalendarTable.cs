using Coordination.Silo.Calendar;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Api.Reports;

/// <summary>
/// Writes the platform's working-day calendar into <c>calendar_days</c> at start, so reports count
/// working days in SQL with the same days off as the grains (holidays and configured extra days).
/// Rewritten whole in one transaction (a few thousand rows); hosts starting together take turns.
/// </summary>
public static class CalendarTable
{
    /// <summary>The first and last year the table covers, around <paramref name="thisYear"/>.</summary>
    public static (int First, int Last) Years(int thisYear) => (thisYear - 6, thisYear + 12);

    /// <summary>Rewrites the table from <paramref name="calendar"/> for the years <paramref name="first"/>–<paramref name="last"/>.</summary>
    public static async Task WriteAsync(NpgsqlDataSource db, WorkingCalendar calendar, int first, int last)
    {
        var days = new List<(DateOnly Day, bool Working, int Before)>();
        var before = 0;
        for (var d = new DateOnly(first, 1, 1); d <= new DateOnly(last, 12, 31); d = d.AddDays(1))
        {
            var working = calendar.IsWorkingDay(d);
            days.Add((d, working, before));
            before += working ? 1 : 0;
        }
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table calendar_days in exclusive mode; delete from calendar_days", conn, tx))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        await using (var copy = await conn.BeginBinaryImportAsync("copy calendar_days (day, working, working_before) from stdin (format binary)"))
        {
            foreach (var (day, working, count) in days)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(day, NpgsqlDbType.Date);
                await copy.WriteAsync(working, NpgsqlDbType.Boolean);
                await copy.WriteAsync(count, NpgsqlDbType.Integer);
            }
            await copy.CompleteAsync();
        }
        await tx.CommitAsync();
    }
}
