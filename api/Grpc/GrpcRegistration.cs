using Coordination.Api.Accounts;
using Coordination.Api.Audit;
using Coordination.Api.Health;
using Coordination.Api.Reports;
using Quartz;

namespace Coordination.Api.Grpc;

/// <summary>The gRPC services of the contract (<c>protos/</c>), their interceptors, REST transcoding, health and reflection.</summary>
public static class GrpcRegistration
{
    /// <summary>Registers gRPC with the platform's interceptors, JSON transcoding, health checks and reflection.</summary>
    public static WebApplicationBuilder AddPlatformGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section);
        builder.Services.AddSingleton<LimitsInterceptor>();
        builder.Services.AddSingleton<Coordination.Api.Identity.FailedAuthenticationLimiter>();
        builder.Services.AddSingleton<DirectoryGrpcService>();
        builder.Services.AddSingleton<ReportGrpcService>();
        builder.Services.AddSingleton(typeof(GrainReferences<>));
        // Stateless: one instance each instead of one built per call (grpc-dotnet builds what DI does not hold).
        builder.Services.AddSingleton<AuditInterceptor>();
        builder.Services.AddSingleton<ErrorInterceptor>();
        builder.Services.AddSingleton<PasswordChangeGate>();
        builder.Services.AddSingleton<CaseGrpcService>();
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
        return builder;
    }

    /// <summary>
    /// Maps every platform service behind authentication (health and reflection stay open for probes
    /// and tools) and the report downloads on the REST port.
    /// </summary>
    public static WebApplication MapPlatformServices(this WebApplication app)
    {
        // Outside authentication, so it sees the 401s of every scheme.
        app.UseMiddleware<Coordination.Api.Identity.FailedAuthenticationLimiter>();
        app.UseAuthentication();
        app.UseAuthorization();
        // Before grpc-dotnet reads a request: malformed gRPC frames are INVALID_ARGUMENT, not INTERNAL.
        app.UseMiddleware<GrpcFramingGuard>();
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
        return app;
    }
}
