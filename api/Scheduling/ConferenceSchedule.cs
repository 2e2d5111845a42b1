using Coordination.Silo.Calendar;
using Coordination.Silo.Conferences;
using Quartz;

namespace Coordination.Api.Scheduling;

/// <summary>One regular conference the planner makes sure exists.</summary>
public sealed record PlannedConference(string ClusterId, string ConferenceId, DateTimeOffset StartTime, string Title, string Location);

/// <summary>
/// Regular conference occurrences from each cluster's Quartz cron, evaluated in Asia/Ho_Chi_Minh.
/// Pure: tested without a scheduler.
/// </summary>
public static class ConferenceSchedule
{
    /// <summary>Whether <paramref name="cron"/> is a valid Quartz cron expression.</summary>
    public static bool IsValid(string cron) => CronExpression.TryParse(cron, out _);

    /// <summary>The first occurrence of <paramref name="cron"/> strictly after <paramref name="after"/>, or null if none.</summary>
    public static DateTimeOffset? NextOccurrence(string cron, DateTimeOffset after)
    {
        var expression = new CronExpression(cron, WorkingCalendar.VietnamTime);
        return expression.GetNextValidTimeAfter(after);
    }

    /// <summary>
    /// The regular conference of <paramref name="clusterId"/> to plan at <paramref name="now"/>: the
    /// next occurrence of its cron, named after its quarter (<c>2027-q1</c>). Null when the cron never
    /// fires again.
    /// </summary>
    public static PlannedConference? Next(ConferenceOptions options, string clusterId, string clusterName, DateTimeOffset now)
    {
        if (NextOccurrence(options.CronFor(clusterId), now) is not { } start)
        {
            return null;
        }
        var quarter = ConferenceKeys.QuarterOf(start);
        var local = TimeZoneInfo.ConvertTime(start, WorkingCalendar.VietnamTime);
        var title = $"Hội thảo ca quý {((local.Month - 1) / 3) + 1}/{local.Year} — {clusterName}";
        return new PlannedConference(clusterId, quarter, start, title, options.LocationFor(clusterId));
    }
}
