using System.Globalization;

namespace Coordination.WebConsole.Platform;

/// <summary>Times typed into forms: a <c>datetime-local</c> or <c>date</c> value is Vietnam time.</summary>
public static class FormTime
{
    /// <summary>A <c>datetime-local</c> value (Vietnam time) as an instant, or null when empty or malformed.</summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)
            || !DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }
        return new DateTimeOffset(local, WorkingDays.VietnamTime.GetUtcOffset(local));
    }

    /// <summary>An instant as a <c>datetime-local</c> value in Vietnam time.</summary>
    public static string Format(DateTimeOffset t) => Clock.Local(t).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}
