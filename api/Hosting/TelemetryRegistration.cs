using Coordination.Silo.Common;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coordination.Api.Hosting;

/// <summary>
/// OpenTelemetry: metrics of ASP.NET Core, Kestrel, gRPC (server and client), Npgsql, Orleans, the
/// .NET runtime and the platform's own meter (<see cref="PlatformMetrics"/>), scraped by Prometheus
/// at <c>/metrics</c> on the REST port; with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics and traces
/// (ASP.NET Core, gRPC client, Npgsql, Orleans) are also pushed by OTLP. Tracing is off without an
/// OTLP endpoint: nobody would read the spans, and they cost on every call. <c>Telemetry:Enabled</c>
/// (<c>Telemetry__Enabled=false</c>; default on) turns all of it off, the <c>/metrics</c> endpoint
/// included: for measuring what telemetry costs, or a host whose metrics nobody scrapes.
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>ASP.NET Core meters the instrumentation subscribes to whose per-request instruments are dropped.</summary>
    private static readonly string[] UnreadMeters =
    [
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.MemoryPool",
    ];

    /// <summary>Configuration key of the switch (default on).</summary>
    public const string EnabledKey = "Telemetry:Enabled";

    /// <summary>Whether telemetry is on in <paramref name="configuration"/>.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(EnabledKey, true);

    /// <summary>Registers the meters and, with an OTLP endpoint, the traces and the exporter.</summary>
    public static WebApplicationBuilder AddPlatformTelemetry(this WebApplicationBuilder builder, HostingOptions hosting)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("coordination-platform", serviceInstanceId: $"{Environment.MachineName}-{hosting.SiloPort}"))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    // Per-request instruments nobody reads here, each recorded on every call (a CPU trace of
                    // GetCase under load showed them among the metric updates): requests by route and
                    // status come from the hosting meter; failed authentications are audited.
                    .AddView(instrument => UnreadMeters.Contains(instrument.Meter.Name) ? MetricStreamConfiguration.Drop : null)
                    .AddRuntimeInstrumentation()
                    .AddMeter("Grpc.AspNetCore.Server", "Grpc.Net.Client", "Microsoft.Orleans", PlatformMetrics.MeterName)
                    .AddNpgsqlInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != MetricsPath)
                .AddGrpcClientInstrumentation()
                .AddNpgsql()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>Maps the Prometheus endpoint on the REST port (HTTP/1.1), when that port is on.</summary>
    public static WebApplication MapPlatformTelemetry(this WebApplication app, HostingOptions hosting)
    {
        if (!IsEnabled(app.Configuration))
        {
            return app;
        }
        // gRPC answers HTTP 200 whatever its status: the request-duration metric gets the gRPC status
        // as a tag (from the trailers, or the headers of a trailers-only answer).
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>() is { } tags
                && context.Response.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                var trailers = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers;
                var status = trailers?["grpc-status"].ToString() is { Length: > 0 } t ? t : context.Response.Headers["grpc-status"].ToString();
                if (status.Length > 0)
                {
                    tags.Tags.Add(new("rpc.grpc.status_code", status));
                }
            }
        });
        if (hosting.HttpPort > 0)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireHost($"*:{hosting.HttpPort}");
        }
        return app;
    }
}
