using System.Diagnostics.Metrics;

namespace Coordination.Silo.Common;

/// <summary>
/// The platform's own instruments (meter <c>Coordination</c>), exported with the ASP.NET Core, gRPC,
/// Npgsql and Orleans ones by OpenTelemetry (OTLP and the Prometheus endpoint, see the host).
/// </summary>
public static class PlatformMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Coordination";

    /// <summary>The meter; the host adds gauges of its own (the audit queue).</summary>
    public static Meter Meter { get; } = new(MeterName, "1.0");

    // Seconds, from a millisecond to a minute: the SDK's default buckets are meant for milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    /// <summary>Durable task state changes, by kind of change.</summary>
    public static Counter<long> TaskTransitions { get; } =
        Meter.CreateCounter<long>("coordination.task.transitions", "{transition}", "Durable task state changes (each one committed)");

    /// <summary>Seconds from an event's append to its write on a live watcher's stream.</summary>
    public static Histogram<double> FeedLag { get; } =
        Meter.CreateHistogram<double>("coordination.feed.lag", "s", "Time from a feed event's append to its delivery on a live stream", tags: null, advice: Seconds);

    /// <summary>Seconds from a reminder's due time to its hand-over to its grain.</summary>
    public static Histogram<double> ReminderLag { get; } =
        Meter.CreateHistogram<double>("coordination.reminder.lag", "s", "Time from a reminder's due time to its delivery", tags: null, advice: Seconds);

    /// <summary>Reminders whose delivery failed (they stay due and are retried).</summary>
    public static Counter<long> ReminderFailures { get; } =
        Meter.CreateCounter<long>("coordination.reminder.failures", "{reminder}", "Reminder deliveries that failed and will be retried");

    /// <summary>Seconds one sweep batch took.</summary>
    public static Histogram<double> SweepDuration { get; } =
        Meter.CreateHistogram<double>("coordination.reminder.sweep.duration", "s", "Duration of one reminder sweep batch", tags: null, advice: Seconds);
}
