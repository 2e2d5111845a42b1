using Coordination.Api.Audit;
using Coordination.Api.Demo;
using Coordination.Api.Scheduling;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Conferences;
using Coordination.Silo.Counselling;
using Coordination.Silo.Feed;
using Coordination.Silo.Intake;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Reminders;
using Coordination.Silo.Reports;
using Coordination.Silo.Tasks;
using Npgsql;

namespace Coordination.Api.Hosting;

/// <summary>Options, stores and background services of the domain: what the grains and the gRPC services share.</summary>
public static class PlatformServices
{
    /// <summary>Registers the options, the PostgreSQL stores and the audit log.</summary>
    public static WebApplicationBuilder AddPlatformStores(this WebApplicationBuilder builder, NpgsqlDataSource dataSource, DatabaseOptions database, WorkingCalendar calendar)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(TimeProvider.System);
        // Read-model rows are derived data, rebuilt from grain state on activation: their commits need not
        // wait for the WAL flush. Grain state, ids and migrations keep the durable default.
        var readModelSource = new NpgsqlDataSourceBuilder(database.ConnectionString)
        {
            ConnectionStringBuilder = { Options = "-c synchronous_commit=off" },
        }.Build();
        builder.Services.AddSingleton(new ReadModelStore(readModelSource));
        // A case's timeline is kept nowhere else once written (its grain state drops it): durable commits.
        builder.Services.AddSingleton<CaseTimelineStore>();
        builder.Services.AddSingleton<IdAllocator>();
        builder.Services.AddSingleton<DuplicateStore>();
        builder.Services.AddSingleton<CounsellingStore>();
        var pollInterval = builder.Configuration.GetValue("Feeds:PollInterval", TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(sp => new FeedStore(sp.GetRequiredService<NpgsqlDataSource>()) { PollInterval = pollInterval });
        builder.Services.AddHostedService<FeedNotifications>();
        builder.Services.AddSingleton<ReminderStore>();
        builder.Services.AddSingleton<TaskStore>();
        builder.Services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section);
        builder.Services.AddSingleton<ConferenceStore>();
        builder.Services.AddSingleton<ConferenceNotifier>();
        builder.Services.AddOptions<ConferenceOptions>().BindConfiguration(ConferenceOptions.Section)
            .Validate(o => ConferenceSchedule.IsValid(o.Cron) && o.Clusters.Values.All(c => c.Cron.Length == 0 || ConferenceSchedule.IsValid(c.Cron)),
                "Conferences:Cron and Conferences:Clusters:*:Cron must be Quartz cron expressions")
            .Validate(o => o.PreparationWorkingDays >= 0, "Conferences:PreparationWorkingDays must not be negative")
            .ValidateOnStart();
        builder.Services.AddOptions<CaseClockOptions>().BindConfiguration(CaseClockOptions.Section);
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
        builder.Services.AddSingleton(calendar);
        builder.Services.AddSingleton(new ReportStore(dataSource));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        return builder;
    }

    /// <summary>Work that runs once the silo is up: the demo seed and the follow-up backfill (register after the silo).</summary>
    public static WebApplicationBuilder AddStartupWork(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<DemoSeeder>();
        builder.Services.AddHostedService<FollowUpBackfill>();
        return builder;
    }
}
