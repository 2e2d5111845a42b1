using Coordination.Api.Hosting;
using Coordination.Silo.Conferences;
using Coordination.Silo.Reminders;
using Quartz;

namespace Coordination.Api.Scheduling;

/// <summary>Quartz.NET with its clustered job store in PostgreSQL: the reminder sweep and the conference planner.</summary>
public static class SchedulingRegistration
{
    /// <summary>Registers the scheduler and its two recurring jobs.</summary>
    public static WebApplicationBuilder AddPlatformScheduling(this WebApplicationBuilder builder, HostingOptions hosting, DatabaseOptions database)
    {
        builder.Services.AddQuartz(q =>
        {
            // A fixed, unique id per host: a restarted node recovers its own triggers at once instead of
            // waiting for the cluster to declare its previous incarnation dead.
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = "coordination";
                s.InstanceId = $"{Environment.MachineName}-{hosting.SiloPort}";
            });
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(database.ConnectionString);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = TimeSpan.FromSeconds(5);
                    c.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                });
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            // The same keys as TriggerIntervals, which reschedules a stored trigger whose interval changed.
        var sweep = builder.Configuration.GetSection(FollowUpOptions.Section).Get<FollowUpOptions>()?.SweepInterval ?? TimeSpan.FromSeconds(5);
            q.AddJob<ReminderSweepJob>(j => j.WithIdentity(ReminderSweepJob.Key).StoreDurably());
            q.AddTrigger(t => t
                .ForJob(ReminderSweepJob.Key)
                .WithIdentity("reminder-sweep", "coordination")
                .StartNow()
                // After downtime, skip the missed sweeps: the next one picks up every reminder that fell due.
                .WithSimpleSchedule(s => s.WithInterval(sweep).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            // Conferences: planning and due agendas in one clustered job (see ConferencePlannerJob). After
            // downtime the missed runs are skipped: the next run prepares every agenda that fell due.
            var conferenceSweep = builder.Configuration.GetSection(ConferenceOptions.Section).Get<ConferenceOptions>()?.SweepInterval ?? TimeSpan.FromMinutes(1);
            q.AddJob<ConferencePlannerJob>(j => j.WithIdentity(ConferencePlannerJob.Key).StoreDurably());
            q.AddTrigger(t => t
                .ForJob(ConferencePlannerJob.Key)
                .WithIdentity("conference-planner", "coordination")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(conferenceSweep).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        // Two hosts booting together must not both (re)schedule the same trigger.
        builder.Services.Configure<QuartzOptions>(o =>
        {
            o.Scheduling.IgnoreDuplicates = true;
            o.Scheduling.OverwriteExistingData = false;
        });
        // Before the scheduler starts: a changed interval applies from this start on.
        builder.Services.AddHostedService<TriggerIntervals>();
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}

/// <summary>
/// Brings the stored recurring triggers in line with configuration at start. The clustered job store
/// keeps a trigger as it was first scheduled (two hosts booting together must not overwrite each
/// other's), so without this a changed <c>Reminders:SweepInterval</c> or
/// <c>Conferences:SweepInterval</c> would have no effect until the trigger was deleted by hand.
/// </summary>
public sealed partial class TriggerIntervals(ISchedulerFactory schedulers, IConfiguration configuration, ILogger<TriggerIntervals> logger) : IHostedService
{
    /// <summary>Trigger of the reminder sweep.</summary>
    public static readonly TriggerKey ReminderSweep = new("reminder-sweep", "coordination");

    /// <summary>Trigger of the conference planner.</summary>
    public static readonly TriggerKey ConferencePlanner = new("conference-planner", "coordination");

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var reminders = configuration.GetSection(FollowUpOptions.Section).Get<FollowUpOptions>()?.SweepInterval ?? TimeSpan.FromSeconds(5);
        var conferences = configuration.GetSection(ConferenceOptions.Section).Get<ConferenceOptions>()?.SweepInterval ?? TimeSpan.FromMinutes(1);
        await AlignAsync(scheduler, ReminderSweep, reminders, cancellationToken);
        await AlignAsync(scheduler, ConferencePlanner, conferences, cancellationToken);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task AlignAsync(IScheduler scheduler, TriggerKey key, TimeSpan interval, CancellationToken ct)
    {
        if (await scheduler.GetTrigger(key, ct) is not ISimpleTrigger stored || stored.RepeatInterval == interval)
        {
            return;
        }
        var replacement = TriggerBuilder.Create()
            .ForJob(stored.JobKey)
            .WithIdentity(key)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        await scheduler.RescheduleJob(key, replacement, ct);
        LogRescheduled(key.Name, stored.RepeatInterval, interval);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trigger {Trigger} rescheduled: every {Old} → every {New} (configuration changed)")]
    private partial void LogRescheduled(string trigger, TimeSpan old, TimeSpan @new);
}
