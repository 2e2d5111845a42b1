using Coordination.Silo.Conferences;
using Coordination.Silo.ReadModel;
using Microsoft.Extensions.Options;
using Quartz;

namespace Coordination.Api.Scheduling;

/// <summary>
/// The conference planner, run by Quartz on one host at a time (clustered store): for every cluster,
/// makes sure the conference grain of its next regular occurrence (the next fire of the cluster's
/// cron) exists. The grain ignores the call when it does, so a rescheduled occurrence is never put
/// back. The grain then keeps its preparation time in the shared reminders table, which the
/// clustered <see cref="ReminderSweepJob"/> delivers once, also after downtime.
/// The job only calls grains; running it twice changes nothing. Misfire policy: missed runs are
/// skipped (<c>NextWithRemainingCount</c>): the next run plans the same occurrences.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ConferencePlannerJob(
    ReadModelStore readModel, IGrainFactory grains, IOptions<ConferenceOptions> options,
    TimeProvider time, ILogger<ConferencePlannerJob> logger) : IJob
{
    /// <summary>The job's key.</summary>
    public static readonly JobKey Key = new("conference-planner", "coordination");

    /// <inheritdoc/>
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var after = "";
        while (!cancellationToken.IsCancellationRequested)
        {
            var clusters = await readModel.ListClustersAsync(after, 200, cancellationToken);
            foreach (var c in clusters)
            {
                if (ConferenceSchedule.Next(options.Value, c.Id, c.Profile.DisplayName, now) is { } next)
                {
                    var r = await grains.GetGrain<IConferenceGrain>(ConferenceKeys.Of(c.Id, next.ConferenceId))
                        .EnsureRegular(next.Title, next.StartTime, next.Location);
                    if (r.Version == 1 && r.CreateTime >= now)
                    {
                        LogPlanned(c.Id, next.ConferenceId, next.StartTime);
                    }
                }
            }
            if (clusters.Count < 200)
            {
                break;
            }
            after = clusters[^1].Id;
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Planned conference {Cluster}/{Conference} at {Start}")]
    private partial void LogPlanned(string cluster, string conference, DateTimeOffset start);
}
