using Coordination.Silo.Cases;
using Coordination.Silo.Conferences;
using Coordination.Silo.Reminders;
using Coordination.Silo.Tasks;
using Quartz;

namespace Coordination.Api.Scheduling;

/// <summary>
/// Every few seconds (clustered: one host at a time), hands the reminders that fell due to their
/// task, case or conference grains. The job only moves work to grains; the grain decides whether a reminder still
/// means anything (an open task) and de-duplicates by reminder key, so a sweep that runs twice
/// delivers once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ReminderSweepJob(ReminderStore reminders, IGrainFactory grains, TimeProvider time) : IJob
{
    /// <summary>The job's key.</summary>
    public static readonly JobKey Key = new("reminder-sweep", "coordination");

    private const int Batch = 500;

    /// <inheritdoc/>
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        int delivered;
        do
        {
            delivered = await reminders.SweepAsync(time.GetUtcNow(), Batch,
                Deliver, cancellationToken);
        }
        while (delivered == Batch && !cancellationToken.IsCancellationRequested);
    }

    /// <summary>Hands one due reminder to the grain it belongs to.</summary>
    private Task<bool> Deliver(DueReminder r) => r.Target switch
    {
        ReminderTargets.Task => grains.GetGrain<ITaskGrain>(r.TargetId).Remind(r.Kind, r.DueAt),
        ReminderTargets.Case => grains.GetGrain<ICaseGrain>(r.TargetId).Remind(r.Kind, r.Detail, r.DueAt),
        ReminderTargets.Conference => grains.GetGrain<IConferenceGrain>(r.TargetId).Remind(r.Kind, r.DueAt),
        // Unknown targets (a newer host's rows during a rolling upgrade) stay due for a host that knows them.
        _ => throw new InvalidOperationException("Unknown reminder target " + r.Target),
    };
}
