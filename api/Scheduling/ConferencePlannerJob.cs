using Coordination.Silo.Conferences;
using Coordination.Silo.ReadModel;
using Microsoft.Extensions.Options;
using Quartz;

namespace Coordination.Api.Scheduling;

/// <summary>
/// The conference calendar, run by Quartz on one host at a time (clustered store):
/// <list type="number">
/// <item>plans: for every cluster, makes sure the conference grain of its next regular occurrence
/// exists (the grain ignores the call when it does — so a rescheduled occurrence is never put back);</item>
/// <item>prepares: hands every agenda that fell due (SCHEDULED, preparation time passed, from the
/// read model) to its grain, which builds it once and tells the participants.</item>
/// </list>
/// The job only moves work to grains; running it twice changes nothing. Misfire policy: missed runs
/// are skipped (<c>NextWithRemainingCount</c>), because the next run picks up every agenda that fell
/// due meanwhile — a host down across a preparation time prepares it once, right after restart.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ConferencePlannerJob(
    ReadModelStore readModel, ConferenceStore conferences, IGrainFactory grains, IOptions<ConferenceOptions> options,
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
        foreach (var (key, preparationTime) in await conferences.DueAsync(now, 100, cancellationToken))
        {
            await grains.GetGrain<IConferenceGrain>(key).PrepareDue(preparationTime);
            LogPrepared(key);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Planned conference {Cluster}/{Conference} at {Start}")]
    private partial void LogPlanned(string cluster, string conference, DateTimeOffset start);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Preparation of conference {Key} handed to its grain")]
    private partial void LogPrepared(string key);
}
