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
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
