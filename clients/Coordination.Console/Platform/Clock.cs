using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Localization;

namespace Coordination.WebConsole.Platform;

/// <summary>How urgent a deadline is, for its colour (always shown with words too).</summary>
public enum Urgency
{
    /// <summary>No deadline.</summary>
    None,
    /// <summary>Plenty of time.</summary>
    Calm,
    /// <summary>Due within a working day.</summary>
    Soon,
    /// <summary>Past due.</summary>
    Overdue,
}

/// <summary>
/// Times as people in Vietnam read them (dd/MM/yyyy HH:mm, Vietnam time) and deadlines in their
/// words: "còn 4 giờ", "còn 2 ngày làm việc", "quá hạn 3 giờ".
/// </summary>
public sealed class Clock(WorkingDays workingDays, TimeProvider time, IStringLocalizer<Strings> l)
{
    /// <summary>Now.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Fetches the calendar of this year and the next (once every few hours).</summary>
    public Task ReadyAsync()
    {
        var year = Local(Now).Year;
        return workingDays.LoadAsync(year, year + 1);
    }

    /// <summary>Vietnam local time of an instant.</summary>
    public static DateTime Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, WorkingDays.VietnamTime).DateTime;

    /// <summary>dd/MM/yyyy HH:mm in Vietnam time, or an empty string.</summary>
    public static string Format(Timestamp? t) => t is null ? "" : Format(t.ToDateTimeOffset());

    /// <summary>dd/MM/yyyy HH:mm in Vietnam time.</summary>
    public static string Format(DateTimeOffset t) => Local(t).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    /// <summary>dd/MM/yyyy in Vietnam time.</summary>
    public static string FormatDate(Timestamp? t) => t is null ? "" : Local(t.ToDateTimeOffset()).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 (for the datetime attribute of time elements and the countdown script).</summary>
    public static string Iso(Timestamp? t) => t is null ? "" : t.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>How long ago, in words ("3 ngày", "5 giờ").</summary>
    public string Age(Timestamp? since)
    {
        if (since is null)
        {
            return "";
        }
        var span = Now - since.ToDateTimeOffset();
        return span.TotalHours < 1 ? l["Duration.Minutes", Math.Max(0, (int)span.TotalMinutes)]
            : span.TotalHours < 48 ? l["Duration.Hours", (int)span.TotalHours]
            : l["Duration.Days", (int)span.TotalDays];
    }

    /// <summary>The deadline in words and its urgency.</summary>
    public (string Text, Urgency Urgency) Deadline(Timestamp? due)
    {
        if (due is null)
        {
            return ("", Urgency.None);
        }
        var at = due.ToDateTimeOffset();
        var left = at - Now;
        if (left < TimeSpan.Zero)
        {
            var late = -left;
            return (late.TotalHours < 1 ? l["Deadline.OverdueMinutes", Math.Max(1, (int)late.TotalMinutes)]
                : late.TotalHours < 48 ? l["Deadline.OverdueHours", (int)late.TotalHours]
                : l["Deadline.OverdueDays", (int)late.TotalDays], Urgency.Overdue);
        }
        if (left.TotalHours < 24)
        {
            return (left.TotalHours < 1 ? l["Deadline.LeftMinutes", Math.Max(1, (int)left.TotalMinutes)]
                : l["Deadline.LeftHours", (int)left.TotalHours], Urgency.Soon);
        }
        var days = workingDays.Between(DateOnly.FromDateTime(Local(Now)), DateOnly.FromDateTime(Local(at)));
        return (l["Deadline.LeftWorkingDays", Math.Max(1, days)], days <= 1 ? Urgency.Soon : Urgency.Calm);
    }
}
