using System.Globalization;
using System.Net;
using Coordination.Api.Accounts;
using Coordination.Api.Audit;
using Coordination.Api.Demo;
using Coordination.Api.Grpc;
using Coordination.Api.Health;
using Coordination.Api.Hosting;
using Coordination.Api.Identity;
using Coordination.Api.Reports;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Conferences;
using Coordination.Silo.Counselling;
using Coordination.Silo.Feed;
using Coordination.Silo.Reminders;
using Coordination.Api.Scheduling;
using Coordination.Silo.Intake;
using Coordination.Silo.ReadModel;
using Coordination.Silo.Reports;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Quartz;

try
{
    await RunAsync(args);
    return 0;
}
catch (StartupException e)
{
    Console.Error.WriteLine("coordination: " + e.Message);
    return e.ExitCode;
}

static async Task RunAsync(string[] args)
{
    // Content root = the build output, so appsettings.json is found whatever folder the host is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddInMemoryCollection(EnvironmentSettings.Read());
    var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
    var hosting = builder.Configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new();
    if (string.IsNullOrWhiteSpace(database.ConnectionString))
    {
        throw new StartupException("No database: set COORD_DB to a PostgreSQL connection string, or start the platform with ./run.sh.");
    }

    var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
    await Preflight.WaitForDatabaseAsync(dataSource, TimeSpan.FromSeconds(20));
    var applied = await Preflight.MigrateAsync(dataSource);
    foreach (var name in applied)
    {
        Console.WriteLine($"coordination: applied migration {name}");
    }
    // Statutory holidays computed for the years around now, plus the extra days off in configuration;
    // reports read the same calendar from PostgreSQL.
    var thisYear = TimeProvider.System.GetUtcNow().Year;
    var (firstYear, lastYear) = CalendarTable.Years(thisYear);
    var calendar = WorkingCalendar.ForYears(firstYear, lastYear,
        builder.Configuration.GetSection("Calendar:Holidays").Get<string[]>()?.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)) ?? []);
    await CalendarTable.WriteAsync(dataSource, calendar, firstYear, lastYear);
    if (args.Contains("--migrate-only"))
    {
        return;
    }
    Preflight.EnsurePortFree(hosting.ListenAddress, hosting.GrpcPort, "gRPC", "COORD_GRPC_PORT");
    Preflight.EnsurePortFree(hosting.SiloAddress, hosting.SiloPort, "Orleans silo", "COORD_SILO_PORT");
    if (hosting.HttpPort > 0)
    {
        Preflight.EnsurePortFree(hosting.ListenAddress, hosting.HttpPort, "REST", "COORD_HTTP_PORT");
    }

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
    builder.Services.AddSingleton(new ReportFacts(readModelSource));
    builder.Services.AddSingleton<IdAllocator>();
    builder.Services.AddSingleton<DuplicateStore>();
    builder.Services.AddSingleton<CounsellingStore>();
    builder.Services.AddSingleton<FeedStore>();
    builder.Services.AddSingleton<ReminderStore>();
    builder.Services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section);
    builder.Services.AddSingleton<ConferenceStore>();
    builder.Services.AddSingleton<ConferenceNotifier>();
    builder.Services.AddOptions<ConferenceOptions>().BindConfiguration(ConferenceOptions.Section)
        .Validate(o => ConferenceSchedule.IsValid(o.Cron) && o.Clusters.Values.All(c => c.Cron.Length == 0 || ConferenceSchedule.IsValid(c.Cron)),
            "Conferences:Cron and Conferences:Clusters:*:Cron must be Quartz cron expressions")
        .Validate(o => o.PreparationWorkingDays >= 0, "Conferences:PreparationWorkingDays must not be negative")
        .ValidateOnStart();
    builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section);
    builder.Services.AddSingleton<LimitsInterceptor>();
    builder.Services.AddOptions<CaseClockOptions>().BindConfiguration(CaseClockOptions.Section);
    builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
    builder.Services.AddSingleton(calendar);
    builder.Services.AddSingleton<DirectoryGrpcService>();
    builder.Services.AddSingleton(new ReportStore(dataSource));
    builder.Services.AddSingleton<ReportGrpcService>();
    builder.Services.AddSingleton<AuditLog>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());

    ConfigureKestrel(builder, hosting);
    ConfigureOrleans(builder, hosting, dataSource);
    ConfigureQuartz(builder, hosting, database);

    // Registered after the silo, so it runs once the silo is up.
    builder.Services.AddHostedService<DemoSeeder>();
    builder.Services.AddHostedService<FollowUpBackfill>();

    builder.AddPlatformSecurity();
    builder.AddPlatformAccounts();

    builder.Services.AddGrpc(o =>
    {
        // Outermost first: limits before anything else; the audit sees the status the error interceptor produced.
        o.Interceptors.Add<LimitsInterceptor>();
        o.Interceptors.Add<AuditInterceptor>();
        o.Interceptors.Add<ErrorInterceptor>();
        o.Interceptors.Add<PasswordChangeGate>();
        o.MaxReceiveMessageSize = 4 * 1024 * 1024;
    }).AddJsonTranscoding(o =>
        // REST errors carry the same google.rpc details as gRPC ones; JSON needs their types.
        o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
            Google.Rpc.BadRequest.Descriptor, Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.RetryInfo.Descriptor));
    builder.Services.AddGrpcReflection();
    builder.Services.AddGrpcHealthChecks()
        .AddCheck<OrleansHealthCheck>("orleans")
        .AddCheck<PostgresHealthCheck>("postgresql")
        .AddQuartz(o => o.Name = "quartz");
    // Last, after everything that calls AddGrpc: a body that is not protobuf is INVALID_ARGUMENT, not UNKNOWN.
    UndecodableRequestGuard.Register(builder.Services);

    var app = builder.Build();
    app.UseAuthentication();
    app.UseAuthorization();
    // Before grpc-dotnet reads a request: malformed gRPC frames are INVALID_ARGUMENT, not INTERNAL.
    app.UseMiddleware<GrpcFramingGuard>();
    // Every platform service needs a valid token; health and reflection stay open for probes and tools.
    app.MapGrpcService<DirectoryGrpcService>().RequireAuthorization();
    app.MapGrpcService<CaseGrpcService>().RequireAuthorization();
    app.MapGrpcService<TaskGrpcService>().RequireAuthorization();
    app.MapGrpcService<WardGrpcService>().RequireAuthorization();
    app.MapGrpcService<AuditGrpcService>().RequireAuthorization();
    app.MapGrpcService<PartnerGrpcService>().RequireAuthorization();
    app.MapGrpcService<InboxGrpcService>().RequireAuthorization();
    app.MapGrpcService<ConferenceGrpcService>().RequireAuthorization();
    app.MapGrpcService<CalendarGrpcService>().RequireAuthorization();
    // SignIn carries [AllowAnonymous]; every other account method needs a token.
    app.MapGrpcService<AccountGrpcService>().RequireAuthorization();
    // CreateToken carries [AllowAnonymous] (an agency system exchanges its secret); the rest are for coordinators.
    app.MapGrpcService<TokenGrpcService>().RequireAuthorization();
    app.MapGrpcService<ReportGrpcService>().RequireAuthorization();
    app.MapGrpcService<CounsellingGrpcService>().RequireAuthorization();
    // File downloads of reports and case lists over plain HTTP (REST port), streamed as written.
    app.MapExportDownloads();
    app.MapGrpcHealthChecksService();
    app.MapGrpcReflectionService();
    app.Lifetime.ApplicationStarted.Register(() =>
        Console.WriteLine($"coordination: ready — gRPC on {(hosting.TlsCertificatePath.Length > 0 ? "https" : "http")}://{hosting.ListenAddress}:{hosting.GrpcPort}"
            + (hosting.HttpPort > 0 ? $", REST on {(hosting.TlsCertificatePath.Length > 0 ? "https" : "http")}://{hosting.ListenAddress}:{hosting.HttpPort}" : "")
            + $" (silo port {hosting.SiloPort}, cluster '{hosting.ClusterId}')"));
    await app.RunAsync();
}

static void ConfigureKestrel(WebApplicationBuilder builder, HostingOptions hosting)
{
    builder.WebHost.ConfigureKestrel(k =>
    {
        var ip = IPAddress.TryParse(hosting.ListenAddress, out var parsed) ? parsed : IPAddress.Loopback;
        k.Listen(ip, hosting.GrpcPort, listen =>
        {
            if (hosting.TlsCertificatePath.Length > 0)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(hosting.TlsCertificatePath, hosting.TlsCertificatePassword, https =>
                {
                    // Agency systems may present a client certificate (mutual TLS); it is matched to
                    // an agency by thumbprint, so no chain to a public CA is required.
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
            else
            {
                // Cleartext gRPC must be HTTP/2 only, or clients are told HTTP_1_1_REQUIRED.
                listen.Protocols = HttpProtocols.Http2;
            }
        });
        if (hosting.HttpPort > 0)
        {
            // REST over HTTP/1.1 for partners who cannot speak gRPC (same methods, JSON transcoding).
            k.Listen(ip, hosting.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (hosting.TlsCertificatePath.Length > 0)
                {
                    listen.UseHttps(hosting.TlsCertificatePath, hosting.TlsCertificatePassword);
                }
            });
        }
    });
}

static void ConfigureOrleans(WebApplicationBuilder builder, HostingOptions hosting, NpgsqlDataSource dataSource)
{
    builder.UseOrleans(silo =>
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = hosting.ClusterId;
            o.ServiceId = "coordination-platform";
        });
        var siloIp = IPAddress.TryParse(hosting.SiloAddress, out var parsed) ? parsed : IPAddress.Loopback;
        // Gateway port 0: the silo is co-hosted with the gRPC services, no external Orleans clients.
        silo.ConfigureEndpoints(siloIp, hosting.SiloPort, 0, listenOnAnyHostAddress: false);
        // Failure detection (docs/reliability.md): a silo that stops answering probes is declared dead
        // after 3 missed probes 2 s apart, so after kill -9 of one of two hosts the survivor served
        // everything again 2.4-5.5 s later (with the 5 s default: 11.5-13 s, over the 10 s target).
        // Three misses rather than two, and Orleans' degradation monitor (a silo that sees itself
        // starved lengthens its probe timeouts and weighs less as a voter), keep a busy 2-core host
        // from being evicted. Overridable per deployment through the "Membership" section.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.NumVotesForDeathDeclaration = 2;
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(60);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            o.ExtendProbeTimeoutDuringDegradation = true;
            o.EnableIndirectProbes = true;
            builder.Configuration.GetSection("Membership").Bind(o);
        });
        // A grain call whose target silo died mid-call fails when the silo is declared dead; one
        // to a live but stuck silo fails after 15 s instead of the default 30 s, inside the 30 s
        // deadline unary calls get when the client sets none.
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = OrleansInvariant;
            o.ConnectionString = dataSource.ConnectionString;
        });
        silo.AddAdoNetGrainStorage(StorageNames.Store, o => o.Configure<Serializer>((options, serializer) =>
        {
            options.Invariant = OrleansInvariant;
            options.ConnectionString = dataSource.ConnectionString;
            // Orleans' own version-tolerant format: state types carry [Alias] and [Id], so renaming a
            // class or namespace does not orphan stored rows (the JSON default embeds type names).
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
    });
}

static void ConfigureQuartz(WebApplicationBuilder builder, HostingOptions hosting, DatabaseOptions database)
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
}

/// <summary>Program constants.</summary>
public partial class Program
{
    /// <summary>ADO.NET invariant name under which Npgsql is registered for Orleans.</summary>
    public const string OrleansInvariant = "Npgsql";
}
