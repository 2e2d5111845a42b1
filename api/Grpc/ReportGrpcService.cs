using Coordination.Api.Audit;
using Coordination.Api.Identity;
using Coordination.Api.Reports;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Counselling;
using Coordination.Silo.Reports;
using Coordination.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.Api.Grpc;

/// <summary>
/// gRPC adapter of the reports: validates the scope and period, narrows them to the caller, has
/// the database compute the figures (<see cref="ReportStore"/>) and maps them; exports stream the
/// same report, or the scope's cases, as a file in chunks.
/// </summary>
public sealed partial class ReportGrpcService(
    ReportStore store, TimeProvider time, WorkingCalendar calendar, IOptions<CaseClockOptions> clocks, AuditLog audit, ILogger<ReportGrpcService> logger,
    CounsellingStore counselling)
    : ReportService.ReportServiceBase
{
    /// <inheritdoc/>
    public override async Task<Report> GetReport(GetReportRequest request, ServerCallContext context)
    {
        var report = await ComputeReportAsync(CallContexts.Caller(context), request.Scope, request.Period, request.TrendQuarters, context.CancellationToken);
        await AuditReportAsync(CallContexts.Caller(context), context.Method.TrimStart('/'), report);
        return report;
    }

    /// <inheritdoc/>
    public override async Task ExportReport(ExportReportRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context)
    {
        var format = Format(request.Format);
        var report = await ComputeReportAsync(CallContexts.Caller(context), request.Scope, request.Period, request.TrendQuarters, context.CancellationToken);
        await AuditReportAsync(CallContexts.Caller(context), context.Method.TrimStart('/'), report);
        var first = true;
        await using var stream = new ExportStream(async (bytes, ct) =>
        {
            var chunk = new ExportChunk { Data = ByteString.CopyFrom(bytes.Span) };
            if (first)
            {
                chunk.FileName = ReportExports.ReportFileName(report, format);
                chunk.ContentType = ReportFiles.ContentType(format);
                first = false;
            }
            await responseStream.WriteAsync(chunk, ct);
        });
        await ReportFiles.WriteReportAsync(report, format, stream, context.CancellationToken);
        await stream.CompleteAsync(context.CancellationToken);
    }

    /// <inheritdoc/>
    public override async Task ExportCases(ExportCasesRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context)
    {
        var caller = CallContexts.Caller(context);
        var export = await ReportExports.PrepareCasesAsync(store, caller, request, context.CancellationToken);
        var first = true;
        var rows = 0L;
        await using var stream = new ExportStream(async (bytes, ct) =>
        {
            var chunk = new ExportChunk { Data = ByteString.CopyFrom(bytes.Span), RowsWritten = rows };
            if (first)
            {
                chunk.FileName = export.FileName;
                chunk.ContentType = ReportFiles.ContentType(export.Format);
                chunk.TotalRows = export.TotalRows;
                first = false;
            }
            await responseStream.WriteAsync(chunk, ct);
        });
        // Each case is recorded as it goes into the file; the export as a whole once it is complete. A
        // failure or cancellation is recorded by the audit interceptor, with its status.
        var method = context.Method.TrimStart('/');
        rows = await ReportFiles.WriteCasesAsync(export.Rows(context.CancellationToken).Audited(audit, time, caller, method), export.Names, request.IncludePersonNames,
            export.Format, stream, n => { rows = n; return ValueTask.CompletedTask; }, context.CancellationToken);
        await stream.CompleteAsync(context.CancellationToken);
        await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Principal, caller.Role, caller.Scope, method, export.AuditResource(rows), "OK"));
    }

    private static ExportFormat Format(ExportFormat f) => f is ExportFormat.Xlsx or ExportFormat.Csv
        ? f
        : throw new InvalidArgumentException("format", "EXPORT_FORMAT_XLSX or EXPORT_FORMAT_CSV / chọn định dạng tệp.");

    /// <summary>Validates, authorises and computes a report for <paramref name="caller"/>.</summary>
    public async Task<Report> ComputeReportAsync(Actor caller, string scopeName, ReportPeriod? period, int trendQuarters, CancellationToken ct)
    {
        var violations = new List<FieldViolation>();
        var scope = ReportScope.Parse(scopeName, "scope", violations);
        ResolvedPeriod? resolved = null;
        try
        {
            resolved = ReportPeriods.Resolve(period, "period");
        }
        catch (InvalidArgumentException e)
        {
            violations.AddRange(e.Violations);
        }
        if (trendQuarters is < 0 or > 12)
        {
            violations.Add(new FieldViolation("trend_quarters", "0 to 12 / từ 0 đến 12."));
        }
        if (violations.Count > 0)
        {
            throw new InvalidArgumentException(violations);
        }
        scope!.Authorize(caller);
        var names = await store.NamesAsync(ct);
        var displayName = scope.DisplayName(names) ?? throw new NotFoundException(scopeName);
        var now = time.GetUtcNow();
        var asOf = resolved!.End < now ? resolved.End : now;
        var trend = ReportPeriods.TrendQuarters(resolved, trendQuarters == 0 ? 4 : trendQuarters);
        var query = new ReportQuery(resolved.Start, resolved.End, asOf, scope.WardId, scope.ClusterId, scope.AgencyId,
            [.. trend.Select(q => (q.Label, q.Start, q.End))]);
        var data = await store.ComputeAsync(query, clocks.Value, ct);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var total = data.Timings.Values.Sum();
            var sections = string.Join(", ", data.Timings.Select(t => $"{t.Key}={t.Value:0.0}"));
            LogComputed(logger, scope.Name, resolved.Label, total, sections);
        }
        var report = ReportBuilder.Build(scope.Name, displayName, period!, resolved, asOf, now, data, names, calendar,
            scope.AgencyId is not null, scope.WardId is not null);
        if (scope.AgencyId is null)
        {
            // Sessions held in the period up to the as-of time, so a report of a period not over counts what happened so far.
            report.Counselling = (await counselling.CountAsync(resolved.Start, asOf, scope.WardId, scope.ClusterId, ct)).ToMessage();
        }
        return report;
    }

    /// <summary>One record for the report; one per case it lists late (those are disclosures of cases).</summary>
    public async Task AuditReportAsync(Actor caller, string method, Report report)
    {
        var now = time.GetUtcNow();
        await audit.AppendAsync(new AuditRecord(now, caller.Principal, caller.Role, caller.Scope, method, $"reports?scope={report.Scope}&period={report.PeriodLabel}", "OK"));
        foreach (var late in report.Clocks.SelectMany(c => c.LateCases).Select(l => l.Case).Distinct(StringComparer.Ordinal))
        {
            await audit.AppendAsync(new AuditRecord(now, caller.Principal, caller.Role, caller.Scope, method, late, "OK"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {Scope} {Period} computed in {TotalMs:0.0} ms ({Sections})")]
    private static partial void LogComputed(ILogger logger, string scope, string period, double totalMs, string sections);
}
