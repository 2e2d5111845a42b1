using Coordination.Api.Grpc;
using Coordination.Api.Hosting;
using Coordination.Api.Identity;
using Coordination.Api.Scheduling;
using Npgsql;

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

    // The test suite's crash points are refused outside test mode, and test mode says so at every start.
    var (faultWarning, faultRefusal) = Coordination.Silo.Common.FaultInjection.StartupCheck(
        Environment.GetEnvironmentVariable(Coordination.Silo.Common.FaultInjection.KillAtVariable),
        Environment.GetEnvironmentVariable(Coordination.Silo.Common.FaultInjection.TestModeVariable));
    if (faultRefusal is not null)
    {
        throw new StartupException(faultRefusal);
    }
    if (faultWarning is not null)
    {
        Console.Error.WriteLine("coordination: " + faultWarning);
    }

    // Fails fast, before touching the database, when bearer tokens would cross a network in cleartext.
    var migrateOnly = args.Contains("--migrate-only");
    if (!migrateOnly && TransportRegistration.CheckCleartext(hosting, Environment.GetEnvironmentVariable(TransportRegistration.AllowCleartextVariable)) is { } warning)
    {
        Console.Error.WriteLine("coordination: " + warning);
    }

    var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
    var calendar = await DatabaseStartup.PrepareAsync(builder.Configuration, dataSource);
    if (migrateOnly)
    {
        return;
    }
    Preflight.EnsurePortsFree(hosting);

    builder.AddPlatformStores(dataSource, database, calendar);
    builder.AddPlatformEndpoints(hosting);
    builder.AddPlatformCluster(hosting, dataSource);
    builder.AddPlatformScheduling(hosting, database);
    // Registered after the silo, so they run once the silo is up.
    builder.AddStartupWork();
    builder.AddPlatformSecurity();
    builder.AddPlatformAccounts();
    builder.AddPlatformGrpc();
    builder.AddPlatformTelemetry(hosting);

    var app = builder.Build();
    app.MapPlatformServices();
    app.MapPlatformTelemetry(hosting);
    app.Lifetime.ApplicationStarted.Register(() =>
        Console.WriteLine($"coordination: ready — gRPC on {(hosting.TlsCertificatePath.Length > 0 ? "https" : "http")}://{hosting.ListenAddress}:{hosting.GrpcPort}"
            + (hosting.HttpPort > 0 ? $", REST on {(hosting.TlsCertificatePath.Length > 0 ? "https" : "http")}://{hosting.ListenAddress}:{hosting.HttpPort}" : "")
            + $" (silo port {hosting.SiloPort}, cluster '{hosting.ClusterId}')"));
    await app.RunAsync();
}

/// <summary>The host's entry point (a partial class so tests and tools can name the assembly).</summary>
public partial class Program;
