using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.WebConsole.Platform;

/// <summary>
/// Downloads of reports and case lists: the platform's export stream (with the person's own token)
/// relayed to the browser as it comes, so a large file never sits in the console's memory.
/// </summary>
public static class ExportEndpoints
{
    /// <summary>Maps <c>GET /reports/export</c> and <c>GET /reports/export-cases</c>.</summary>
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/export", (HttpContext http, PlatformClient platform, TimeProvider time) =>
        {
            var q = http.Request.Query;
            var request = new ExportReportRequest
            {
                Scope = q["scope"].ToString(),
                Period = ReportPeriods.From(q["quarter"], q["year"], q["from"], q["to"], time.GetUtcNow())
                    ?? new ReportPeriod { Quarter = ReportPeriods.QuarterOf(time.GetUtcNow()) },
                Format = Format(q["format"]),
                TrendQuarters = 8,
            };
            return RelayAsync(http, platform.Reports.ExportReport(request, cancellationToken: http.RequestAborted));
        }).RequireAuthorization();
        app.MapGet("/reports/export-cases", (HttpContext http, PlatformClient platform, TimeProvider time) =>
        {
            var q = http.Request.Query;
            var request = new ExportCasesRequest
            {
                Scope = q["scope"].ToString(),
                Period = ReportPeriods.From(q["quarter"], q["year"], q["from"], q["to"], time.GetUtcNow()),
                IncludeClosed = true,
                Format = Format(q["format"]),
            };
            return RelayAsync(http, platform.Reports.ExportCases(request, cancellationToken: http.RequestAborted));
        }).RequireAuthorization();
        return app;
    }

    private static ExportFormat Format(string? format) => format == "csv" ? ExportFormat.Csv : ExportFormat.Xlsx;

    private static async Task RelayAsync(HttpContext http, AsyncServerStreamingCall<ExportChunk> call)
    {
        using (call)
        {
            var started = false;
            try
            {
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(http.RequestAborted))
                {
                    if (!started)
                    {
                        started = true;
                        http.Response.ContentType = chunk.ContentType.Length > 0 ? chunk.ContentType : "application/octet-stream";
                        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = chunk.FileName.Length > 0 ? chunk.FileName : "export" }.ToString();
                    }
                    await http.Response.Body.WriteAsync(chunk.Data.Memory, http.RequestAborted);
                }
            }
            catch (RpcException e) when (!started)
            {
                // Nothing sent yet: say why in a status the browser shows.
                http.Response.StatusCode = e.StatusCode switch
                {
                    StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
                    StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
                    StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
                    StatusCode.NotFound => StatusCodes.Status404NotFound,
                    _ => StatusCodes.Status503ServiceUnavailable,
                };
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(e.Status.Detail, http.RequestAborted);
            }
        }
    }
}
