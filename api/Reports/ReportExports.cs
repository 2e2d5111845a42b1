using System.Globalization;
using Coordination.Api.Audit;
using Coordination.Api.Grpc;
using Coordination.Silo.Common;
using Coordination.Silo.Reports;
using Coordination.V1;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Reports;

/// <summary>A case export ready to run: who may, what it selects, and how it is named and audited.</summary>
public sealed record CaseExport(
    ReportScope Scope, ExportFormat Format, DateTimeOffset? From, DateTimeOffset? To, string PeriodLabel, bool IncludeClosed, bool IncludeNames,
    DirectoryNames Names, long TotalRows, string FileName, Func<CancellationToken, IAsyncEnumerable<CaseExportRow>> Rows)
{
    /// <summary>The audit record's resource: the filter and the row count (one bulk read).</summary>
    public string AuditResource(long rows) =>
        $"cases?scope={Scope.Name}&period={PeriodLabel}&include_closed={IncludeClosed.ToString().ToLowerInvariant()}"
        + $"&include_person_names={IncludeNames.ToString().ToLowerInvariant()}&format={Format.ToString().ToLowerInvariant()}&rows={rows}";
}

/// <summary>Exports shared by the gRPC streams and the REST downloads.</summary>
public static class ReportExports
{
    /// <summary>
    /// The rows of a case export, each recorded as a read of its case as it goes into the file (a
    /// city-wide export is thousands of records: the audit log writes them in a few batched copies).
    /// </summary>
    public static async IAsyncEnumerable<CaseExportRow> Audited(this IAsyncEnumerable<CaseExportRow> rows, AuditLog audit, TimeProvider time,
        Actor caller, string method, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in rows.WithCancellation(ct))
        {
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Principal, caller.Role, caller.Scope, method, "cases/" + row.Id, "OK", "EXPORTED"));
            yield return row;
        }
    }

    /// <summary>The file name of a report, e.g. <c>bao-cao-wards-hai-chau-1-2026-Q4.xlsx</c>.</summary>
    public static string ReportFileName(Report r, ExportFormat f) =>
        $"bao-cao-{Slug(r.Scope)}-{Slug(r.PeriodLabel)}.{ReportFiles.Extension(f)}";

    private static string Slug(string text) =>
        string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');

    /// <summary>Validates and authorises a case export, and counts its rows.</summary>
    public static async Task<CaseExport> PrepareCasesAsync(ReportStore store, Actor caller, ExportCasesRequest request, CancellationToken ct)
    {
        var violations = new List<FieldViolation>();
        var scope = ReportScope.Parse(request.Scope, "scope", violations);
        if (scope?.AgencyId is not null)
        {
            violations.Add(new FieldViolation("scope", "Cases are exported by city, cluster or ward / xuất hồ sơ theo thành phố, cụm hoặc phường."));
        }
        if (request.Format is not (ExportFormat.Xlsx or ExportFormat.Csv))
        {
            violations.Add(new FieldViolation("format", "EXPORT_FORMAT_XLSX or EXPORT_FORMAT_CSV / chọn định dạng tệp."));
        }
        ResolvedPeriod? period = null;
        if (request.Period is not null)
        {
            try
            {
                period = ReportPeriods.Resolve(request.Period, "period");
            }
            catch (InvalidArgumentException e)
            {
                violations.AddRange(e.Violations);
            }
        }
        if (violations.Count > 0)
        {
            throw new InvalidArgumentException(violations);
        }
        // Agencies are refused whatever the scope; a ward's people only for their ward.
        scope!.AuthorizeCaseExport(caller);
        var names = await store.NamesAsync(ct);
        _ = scope.DisplayName(names) ?? throw new NotFoundException(request.Scope);
        var total = await store.CountCasesAsync(scope.WardId, scope.ClusterId, period?.Start, period?.End, request.IncludeClosed, ct);
        var label = period?.Label ?? "tat-ca";
        return new CaseExport(scope, request.Format, period?.Start, period?.End, period?.Label ?? "all", request.IncludeClosed, request.IncludePersonNames, names, total,
            $"ho-so-{Slug(scope.Name)}-{Slug(label)}.{ReportFiles.Extension(request.Format)}",
            c => store.StreamCasesAsync(scope.WardId, scope.ClusterId, period?.Start, period?.End, request.IncludeClosed, c));
    }

    /// <summary>
    /// Maps the REST downloads on the HTTP port: <c>GET /v1/exports/report</c> and <c>GET /v1/exports/cases</c>,
    /// the same rules as the gRPC exports, the file streamed into the response as it is written.
    /// </summary>
    public static void MapExportDownloads(this WebApplication app)
    {
        app.MapGet("/v1/exports/report", async (HttpContext http, ReportGrpcService reports, AuditLog audit, TimeProvider time) =>
        {
            await Run(http, audit, time, "GET /v1/exports/report", async caller =>
            {
                var q = http.Request.Query;
                var format = ParseFormat(q["format"]);
                var report = await reports.ComputeReportAsync(caller, q["scope"].ToString(), PeriodFrom(q),
                    int.TryParse(q["trend_quarters"], CultureInfo.InvariantCulture, out var n) ? n : 0, http.RequestAborted);
                await reports.AuditReportAsync(caller, "GET /v1/exports/report", report);
                await Send(http, ReportFileName(report, format), format, -1, s => ReportFiles.WriteReportAsync(report, format, s, http.RequestAborted));
            });
        }).RequireAuthorization();
        app.MapGet("/v1/exports/cases", async (HttpContext http, ReportStore store, AuditLog audit, TimeProvider time) =>
        {
            await Run(http, audit, time, "GET /v1/exports/cases", async caller =>
            {
                var q = http.Request.Query;
                var request = new ExportCasesRequest
                {
                    Scope = q["scope"].ToString(),
                    Format = ParseFormat(q["format"]),
                    IncludeClosed = q["include_closed"] == "true",
                    IncludePersonNames = q["include_person_names"] == "true",
                    Period = PeriodFrom(q),
                };
                var export = await PrepareCasesAsync(store, caller, request, http.RequestAborted);
                long rows = 0;
                // Each case is recorded as it goes into the file, the export once complete; a failure by Run.
                await Send(http, export.FileName, export.Format, export.TotalRows, async s =>
                    rows = await ReportFiles.WriteCasesAsync(export.Rows(http.RequestAborted).Audited(audit, time, caller, "GET /v1/exports/cases"), export.Names,
                        export.IncludeNames, export.Format, s, _ => ValueTask.CompletedTask, http.RequestAborted));
                await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Principal, caller.Role, caller.Scope, "GET /v1/exports/cases",
                    export.AuditResource(rows), "OK"));
            });
        }).RequireAuthorization();
    }

    private static ExportFormat ParseFormat(string? value) => value?.ToLowerInvariant() switch
    {
        "xlsx" => ExportFormat.Xlsx,
        "csv" => ExportFormat.Csv,
        _ => ExportFormat.Unspecified,
    };

    private static ReportPeriod? PeriodFrom(IQueryCollection q)
    {
        if (q.ContainsKey("quarter"))
        {
            return new ReportPeriod { Quarter = q["quarter"].ToString() };
        }
        if (q.ContainsKey("year"))
        {
            return new ReportPeriod { Year = int.TryParse(q["year"], CultureInfo.InvariantCulture, out var y) ? y : 0 };
        }
        if (q.ContainsKey("start") || q.ContainsKey("end"))
        {
            static CalendarDate? Date(string? s) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? new CalendarDate { Year = d.Year, Month = d.Month, Day = d.Day }
                : null;
            return new ReportPeriod { Dates = new DateRange { StartDate = Date(q["start"]), EndDate = Date(q["end"]) } };
        }
        return null;
    }

    private static async Task Send(HttpContext http, string fileName, ExportFormat format, long totalRows, Func<Stream, Task> write)
    {
        if (format == ExportFormat.Unspecified)
        {
            throw new InvalidArgumentException("format", "xlsx or csv / chọn định dạng tệp.");
        }
        http.Response.ContentType = ReportFiles.ContentType(format);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        if (totalRows >= 0)
        {
            http.Response.Headers["X-Total-Rows"] = totalRows.ToString(CultureInfo.InvariantCulture);
        }
        await using var stream = new ExportStream((bytes, ct) => http.Response.Body.WriteAsync(bytes, ct));
        await write(stream);
        await stream.CompleteAsync(http.RequestAborted);
    }

    /// <summary>
    /// Runs a download: UNAUTHENTICATED, INVALID_ARGUMENT, PERMISSION_DENIED and NOT_FOUND become 401,
    /// 400, 403 and 404 with the reason. A download that fails, whatever it threw, is audited with
    /// its outcome and the scope it asked for, as the gRPC exports are by the audit interceptor.
    /// </summary>
    private static async Task Run(HttpContext http, AuditLog audit, TimeProvider time, string method, Func<Actor, Task> body)
    {
        var caller = Coordination.Tokens.TokenIssuer.ActorOf(http.User);
        if (caller is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        try
        {
            await body(caller);
        }
        catch (Exception e)
        {
            var outcome = e switch
            {
                InvalidArgumentException => "INVALID_ARGUMENT",
                PermissionDeniedException => "PERMISSION_DENIED",
                NotFoundException => "NOT_FOUND",
                CoordinationException => "FAILED_PRECONDITION",
                OperationCanceledException when http.RequestAborted.IsCancellationRequested => "CANCELLED",
                _ => "UNKNOWN",
            };
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Principal, caller.Role, caller.Scope, method, http.Request.Query["scope"].ToString(), outcome));
            if (e is not CoordinationException refused || http.Response.HasStarted)
            {
                throw;
            }
            http.Response.StatusCode = refused switch
            {
                InvalidArgumentException => StatusCodes.Status400BadRequest,
                PermissionDeniedException => StatusCodes.Status403Forbidden,
                NotFoundException => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status409Conflict,
            };
            await http.Response.WriteAsJsonAsync(new { error = refused.Reason, message = refused.Message });
        }
    }
}
