using System.Globalization;
using Coordination.Silo.Calendar;
using Coordination.Silo.Reports;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using CsvHelper;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;

namespace Coordination.Api.Reports;

/// <summary>
/// Writes reports and case lists as XLSX (SpreadCheetah: rows streamed, one sheet per table,
/// frozen Vietnamese headers, number and date formats, a cover sheet with scope, period and
/// definitions) or CSV (CsvHelper: UTF-8 with a byte-order mark so Excel reads Vietnamese).
/// Text that a spreadsheet could take for a formula (starting with =, +, -, @, tab or carriage
/// return) is written as text: in XLSX every text cell is a string cell, never a formula; in CSV it
/// gets a leading apostrophe (CsvHelper's injection escaping).
/// </summary>
public static class ReportFiles
{
    /// <summary>MIME type of a format.</summary>
    public static string ContentType(ExportFormat f) => f == ExportFormat.Xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : "text/csv; charset=utf-8";

    /// <summary>File extension of a format.</summary>
    public static string Extension(ExportFormat f) => f == ExportFormat.Xlsx ? "xlsx" : "csv";

    private static readonly CsvWriterOptions Csv = CsvWriterOptions.Default with { Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    /// <summary>The characters that make a text cell look like a formula.</summary>
    public static bool LooksLikeFormula(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    private static DateTime Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, WorkingCalendar.VietnamTime).DateTime;

    private sealed class Styles(Spreadsheet s)
    {
        public StyleId Header { get; } = s.AddStyle(new Style { Font = { Bold = true }, Fill = { Color = System.Drawing.Color.FromArgb(0xDD, 0xEB, 0xF7) } });
        public StyleId Title { get; } = s.AddStyle(new Style { Font = { Bold = true, Size = 14 } });
        public StyleId Percent { get; } = s.AddStyle(new Style { Format = NumberFormat.Custom("0.0%") });
        public StyleId Decimal { get; } = s.AddStyle(new Style { Format = NumberFormat.Custom("0.00") });
        public StyleId Integer { get; } = s.AddStyle(new Style { Format = NumberFormat.Custom("#,##0") });
        public StyleId Date { get; } = s.AddStyle(new Style { Format = NumberFormat.Custom("dd/mm/yyyy hh:mm") });
    }

    private static Cell Text(string value) => new(value);

    private static async Task Sheet(Spreadsheet s, Styles st, string name, string[] headers, double[]? widths, CancellationToken ct)
    {
        var options = new WorksheetOptions { FrozenRows = 1 };
        for (var i = 0; i < headers.Length; i++)
        {
            options.Column(i + 1).Width = widths is not null && i < widths.Length ? widths[i] : 16;
        }
        await s.StartWorksheetAsync(name, options, ct);
        await s.AddRowAsync(headers.Select(h => new Cell(h, st.Header)).ToArray(), ct);
    }

    /// <summary>Writes <paramref name="report"/> in <paramref name="format"/>.</summary>
    public static Task WriteReportAsync(Report report, ExportFormat format, Stream output, CancellationToken ct) =>
        format == ExportFormat.Xlsx ? WriteReportXlsxAsync(report, output, ct) : WriteReportCsvAsync(report, output, ct);

    private static async Task WriteReportXlsxAsync(Report r, Stream output, CancellationToken ct)
    {
        await using var s = await Spreadsheet.CreateNewAsync(output, cancellationToken: ct);
        var st = new Styles(s);
        // Cover: what the figures are about, and what each means.
        var cover = new WorksheetOptions();
        cover.Column(1).Width = 34;
        cover.Column(2).Width = 40;
        cover.Column(3).Width = 110;
        await s.StartWorksheetAsync("Bìa", cover, ct);
        await s.AddRowAsync([new Cell("Báo cáo thống kê bảo vệ trẻ em / Child-protection statistics", st.Title)], ct);
        await s.AddRowAsync([Text("Phạm vi / Scope"), Text(r.ScopeDisplayName), Text(r.Scope)], ct);
        await s.AddRowAsync([Text("Kỳ báo cáo / Period"), Text(r.PeriodLabel)], ct);
        await s.AddRowAsync([Text("Từ / From"), new Cell(Local(r.StartTime.ToDateTimeOffset()), st.Date)], ct);
        await s.AddRowAsync([Text("Đến (không gồm) / To (exclusive)"), new Cell(Local(r.EndTime.ToDateTimeOffset()), st.Date)], ct);
        await s.AddRowAsync([Text("Số liệu tính đến / Figures as of"), new Cell(Local(r.AsOfTime.ToDateTimeOffset()), st.Date)], ct);
        await s.AddRowAsync([Text("Lập lúc / Computed"), new Cell(Local(r.ComputeTime.ToDateTimeOffset()), st.Date)], ct);
        await s.AddRowAsync([], ct);
        await s.AddRowAsync([new Cell("Mã / Key", st.Header), new Cell("Chỉ tiêu", st.Header), new Cell("Định nghĩa / Definition", st.Header)], ct);
        foreach (var d in r.Definitions)
        {
            await s.AddRowAsync([Text(d.Key), Text(d.Label), Text(d.Text)], ct);
        }

        if (r.Cases is { } c)
        {
            await Sheet(s, st, "Trường hợp", ["Chỉ tiêu", "Mã", "Giá trị", "Số lượng", "Tỷ lệ"], [32, 30, 36, 12, 10], ct);
            async Task Total(string key, long value) =>
                await s.AddRowAsync([Text(ReportDefinitions.Label(key)), Text(key), Text(""), new Cell(value, st.Integer)], ct);
            async Task Rows(Breakdown b)
            {
                foreach (var row in b.Rows)
                {
                    await s.AddRowAsync([Text(ReportDefinitions.Label(b.Key)), Text(row.Key), Text(row.Label), new Cell(row.Count, st.Integer), new Cell(row.Share, st.Percent)], ct);
                }
            }
            await Total("cases.new", c.NewCases);
            foreach (var b in new[] { c.NewBySource, c.NewByCategory, c.NewBySex, c.NewByAgeBand, c.NewByRisk })
            {
                await Rows(b);
            }
            await Total("cases.open_at_end", c.OpenAtEnd);
            await Rows(c.OpenByStep);
            await Total("cases.closed", c.Closed);
            await Rows(c.ClosedByReason);
            await Total("cases.open_over_six_months", c.OpenOverSixMonths);
            await Total("cases.emergency_overrides", c.EmergencyOverrideCases);

            await Sheet(s, st, "Xu hướng", ["Quý", "Trường hợp mới", "Đóng hồ sơ"], [12, 16, 16], ct);
            foreach (var q in c.Trend)
            {
                await s.AddRowAsync([Text(q.Quarter), new Cell(q.NewCases, st.Integer), new Cell(q.ClosedCases, st.Integer)], ct);
            }
        }

        if (r.Clocks.Count > 0)
        {
            await Sheet(s, st, "Thời hạn luật định", ["Thời hạn", "Mã", "Số lượng", "Đúng hạn", "Trễ hạn", "Chưa đến hạn", "Tỷ lệ đúng hạn", "Trung vị"],
                [44, 28, 11, 11, 11, 13, 15, 11], ct);
            foreach (var k in r.Clocks)
            {
                await s.AddRowAsync([Text(ReportLabels.Clock(k.Clock)), Text(k.Key), new Cell(k.Count, st.Integer), new Cell(k.Met, st.Integer),
                    new Cell(k.Late, st.Integer), new Cell(k.Pending, st.Integer), new Cell(k.ShareMet, st.Percent), new Cell(k.MedianToDone, st.Decimal)], ct);
            }
            await Sheet(s, st, "Hồ sơ trễ hạn", ["Thời hạn", "Hồ sơ", "Phường", "Hạn", "Thực hiện lúc"], [44, 22, 22, 18, 18], ct);
            foreach (var k in r.Clocks)
            {
                foreach (var late in k.LateCases)
                {
                    await s.AddRowAsync([Text(ReportLabels.Clock(k.Clock)), Text(late.Case), Text(late.Ward), new Cell(Local(late.DueTime.ToDateTimeOffset()), st.Date),
                        late.DoneTime is null ? Text("") : new Cell(Local(late.DoneTime.ToDateTimeOffset()), st.Date)], ct);
                }
            }
        }

        await Sheet(s, st, "Nhiệm vụ", ["Nhóm", "Cơ quan", "Mã", "Được giao", "Đã nhận", "Từ chối", "Hoàn thành", "Không thực hiện được", "Đã hủy",
            "Quá hạn", "Báo cáo cấp trên", "Khép vòng", "Trung vị ngày nhận", "P90 ngày nhận", "Trung vị ngày hoàn thành", "P90 ngày hoàn thành", "Tỷ lệ khép vòng"],
            [14, 36, 30], ct);
        foreach (var (group, f) in TaskRows(r.Tasks))
        {
            await s.AddRowAsync([Text(group), Text(f.DisplayName), Text(f.Agency.Length > 0 ? f.Agency : f.AgencyKind.ToString()),
                new Cell(f.Assigned, st.Integer), new Cell(f.Accepted, st.Integer), new Cell(f.Rejected, st.Integer), new Cell(f.Completed, st.Integer),
                new Cell(f.Failed, st.Integer), new Cell(f.Cancelled, st.Integer), new Cell(f.Overdue, st.Integer), new Cell(f.Escalated, st.Integer),
                new Cell(f.Reviewed, st.Integer), new Cell(f.MedianDaysToAccept, st.Decimal), new Cell(f.P90DaysToAccept, st.Decimal),
                new Cell(f.MedianDaysToComplete, st.Decimal), new Cell(f.P90DaysToComplete, st.Decimal), new Cell(f.ClosedLoopShare, st.Percent)], ct);
        }
        await Sheet(s, st, "Lý do từ chối", ["Nhóm", "Cơ quan", "Lý do", "Số lượng"], [14, 36, 50, 12], ct);
        foreach (var (group, f) in TaskRows(r.Tasks))
        {
            foreach (var row in f.RejectedByReason.Rows)
            {
                await s.AddRowAsync([Text(group), Text(f.DisplayName), Text(row.Label), new Cell(row.Count, st.Integer)], ct);
            }
        }

        if (r.Conferences is { } conf)
        {
            await Sheet(s, st, "Hội thảo ca", ["Cụm", "Mã", "Đã tổ chức", "Ca thảo luận", "Quyết định", "Hoàn thành đúng hạn"], [30, 24, 12, 14, 12, 20], ct);
            foreach (var k in conf.ByCluster.Append(conf.Total))
            {
                await s.AddRowAsync([Text(k.DisplayName), Text(k.Cluster), new Cell(k.Held, st.Integer), new Cell(k.CasesDiscussed, st.Integer),
                    new Cell(k.Decisions, st.Integer), new Cell(k.DecisionsCompletedOnTime, st.Integer)], ct);
            }
        }
        if (r.Counselling is { } counselling)
        {
            await Sheet(s, st, "Tư vấn", ["Nhóm", "Chỉ tiêu", "Số buổi"], [20, 40, 12], ct);
            foreach (var (group, label, count) in Grpc.CounsellingMapping.Rows(counselling))
            {
                await s.AddRowAsync([Text(group), Text(label), new Cell(count, st.Integer)], ct);
            }
        }
        await s.FinishAsync(ct);
    }

    private static IEnumerable<(string Group, TaskFigures Figures)> TaskRows(TaskStatistics t) =>
        new[] { ("Tổng cộng", t.Total) }
            .Concat(t.ByAgencyKind.Select(k => ("Loại cơ quan", k)))
            .Concat(t.ByAgency.Select(a => ("Cơ quan", a)));

    private static async Task WriteReportCsvAsync(Report r, Stream output, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(output, Csv, leaveOpen: true);
        async Task Row(params string[] fields)
        {
            foreach (var f in fields)
            {
                csv.WriteField(f);
            }
            await csv.EndRecordAsync(ct);
        }
        static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        await Row("Bảng", "Chỉ tiêu", "Mã", "Giá trị", "Số lượng", "Tỷ lệ");
        await Row("Bìa", "Phạm vi", r.Scope, r.ScopeDisplayName, "", "");
        await Row("Bìa", "Kỳ báo cáo", r.PeriodLabel, Local(r.StartTime.ToDateTimeOffset()).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)
            + "–" + Local(r.EndTime.ToDateTimeOffset()).AddDays(-1).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), "", "");
        if (r.Cases is { } c)
        {
            async Task Breakdown(Breakdown b)
            {
                foreach (var row in b.Rows)
                {
                    await Row("Trường hợp", ReportDefinitions.Label(b.Key), row.Key, row.Label, row.Count.ToString(CultureInfo.InvariantCulture), N(row.Share));
                }
            }
            await Row("Trường hợp", ReportDefinitions.Label("cases.new"), "cases.new", "", c.NewCases.ToString(CultureInfo.InvariantCulture), "");
            foreach (var b in new[] { c.NewBySource, c.NewByCategory, c.NewBySex, c.NewByAgeBand, c.NewByRisk })
            {
                await Breakdown(b);
            }
            await Row("Trường hợp", ReportDefinitions.Label("cases.open_at_end"), "cases.open_at_end", "", c.OpenAtEnd.ToString(CultureInfo.InvariantCulture), "");
            await Breakdown(c.OpenByStep);
            await Row("Trường hợp", ReportDefinitions.Label("cases.closed"), "cases.closed", "", c.Closed.ToString(CultureInfo.InvariantCulture), "");
            await Breakdown(c.ClosedByReason);
            await Row("Trường hợp", ReportDefinitions.Label("cases.open_over_six_months"), "cases.open_over_six_months", "", c.OpenOverSixMonths.ToString(CultureInfo.InvariantCulture), "");
            await Row("Trường hợp", ReportDefinitions.Label("cases.emergency_overrides"), "cases.emergency_overrides", "", c.EmergencyOverrideCases.ToString(CultureInfo.InvariantCulture), "");
            foreach (var q in c.Trend)
            {
                await Row("Xu hướng", "Trường hợp mới", q.Quarter, "", q.NewCases.ToString(CultureInfo.InvariantCulture), "");
                await Row("Xu hướng", "Đóng hồ sơ", q.Quarter, "", q.ClosedCases.ToString(CultureInfo.InvariantCulture), "");
            }
        }
        foreach (var k in r.Clocks)
        {
            await Row("Thời hạn luật định", ReportLabels.Clock(k.Clock), k.Key, $"đúng hạn {k.Met}, trễ {k.Late}, chưa đến hạn {k.Pending}, trung vị {N(k.MedianToDone)}",
                k.Count.ToString(CultureInfo.InvariantCulture), N(k.ShareMet));
        }
        foreach (var (group, f) in TaskRows(r.Tasks))
        {
            foreach (var (name, value) in new (string, double)[]
                {
                    ("assigned", f.Assigned), ("accepted", f.Accepted), ("rejected", f.Rejected), ("completed", f.Completed), ("failed", f.Failed),
                    ("cancelled", f.Cancelled), ("overdue", f.Overdue), ("escalated", f.Escalated), ("reviewed", f.Reviewed),
                    ("median_days_to_accept", f.MedianDaysToAccept), ("p90_days_to_accept", f.P90DaysToAccept),
                    ("median_days_to_complete", f.MedianDaysToComplete), ("p90_days_to_complete", f.P90DaysToComplete), ("closed_loop_share", f.ClosedLoopShare),
                })
            {
                await Row("Nhiệm vụ", group + ": " + f.DisplayName, "tasks." + name, ReportDefinitions.Label("tasks." + name), N(value), "");
            }
            foreach (var row in f.RejectedByReason.Rows)
            {
                await Row("Lý do từ chối", group + ": " + f.DisplayName, "tasks.rejected_by_reason", row.Label, row.Count.ToString(CultureInfo.InvariantCulture), N(row.Share));
            }
        }
        if (r.Conferences is { } conf)
        {
            foreach (var k in conf.ByCluster.Append(conf.Total))
            {
                await Row("Hội thảo ca", k.DisplayName, "conferences", $"đã tổ chức {k.Held}, ca {k.CasesDiscussed}, quyết định {k.Decisions}, đúng hạn {k.DecisionsCompletedOnTime}",
                    k.Held.ToString(CultureInfo.InvariantCulture), "");
            }
        }
        if (r.Counselling is { } counselling)
        {
            foreach (var (group, label, count) in Grpc.CounsellingMapping.Rows(counselling))
            {
                await Row("Tư vấn", group, "counselling", label, count.ToString(CultureInfo.InvariantCulture), "");
            }
        }
        foreach (var d in r.Definitions)
        {
            await Row("Định nghĩa", d.Label, d.Key, d.Text, "", "");
        }
        await csv.FlushAsync(ct);
    }

    /// <summary>Headers of a case export, Vietnamese.</summary>
    public static string[] CaseHeaders(bool names) =>
    [
        "Mã hồ sơ", "Phường", "Tên phường", "Cụm", "Thời điểm tiếp nhận", "Nguồn tiếp nhận", "Nhóm đối tượng", "Giới tính", "Tuổi khi tiếp nhận",
        "Mức độ nguy cơ", "Bước", "Đang mở", "Cán bộ phụ trách", "Hạn kế tiếp", "Kế hoạch", "Đưa ra hội thảo", "Thời điểm đóng", "Lý do đóng",
        .. names ? new[] { "Họ tên" } : [],
    ];

    /// <summary>Writes the cases of <paramref name="rows"/>; <paramref name="progress"/> hears the row count every 1,000 rows.</summary>
    public static async Task<long> WriteCasesAsync(
        IAsyncEnumerable<CaseExportRow> rows, DirectoryNames names, bool includeNames, ExportFormat format, Stream output,
        Func<long, ValueTask> progress, CancellationToken ct)
    {
        var count = 0L;
        var headers = CaseHeaders(includeNames);
        if (format == ExportFormat.Xlsx)
        {
            await using var s = await Spreadsheet.CreateNewAsync(output, cancellationToken: ct);
            var st = new Styles(s);
            await Sheet(s, st, "Hồ sơ", headers, [18, 16, 24, 14, 18, 22, 30, 10, 10, 14, 22, 9, 20, 18, 16, 10, 18, 30, 24], ct);
            var cells = new Cell[headers.Length];
            await foreach (var r in rows.WithCancellation(ct))
            {
                var f = Fields(r, names, includeNames);
                cells[0] = Text(f[0]);
                cells[1] = Text(f[1]);
                cells[2] = Text(f[2]);
                cells[3] = Text(f[3]);
                cells[4] = new Cell(Local(r.ReportTime), st.Date);
                cells[5] = Text(f[5]);
                cells[6] = Text(f[6]);
                cells[7] = Text(f[7]);
                cells[8] = r.AgeYears >= 0 ? new Cell(r.AgeYears) : Text("");
                cells[9] = Text(f[9]);
                cells[10] = Text(f[10]);
                cells[11] = Text(f[11]);
                cells[12] = Text(f[12]);
                cells[13] = r.NextDue is { } due ? new Cell(Local(due), st.Date) : Text("");
                cells[14] = Text(f[14]);
                cells[15] = Text(f[15]);
                cells[16] = r.CloseTime is { } closed && !r.IsOpen ? new Cell(Local(closed), st.Date) : Text("");
                cells[17] = Text(f[17]);
                if (includeNames)
                {
                    cells[18] = Text(f[18]);
                }
                await s.AddRowAsync(cells, ct);
                if (++count % 1000 == 0)
                {
                    await progress(count);
                }
            }
            await s.FinishAsync(ct);
        }
        else
        {
            await using var csv = CsvWriter.Create(output, Csv, leaveOpen: true);
            foreach (var h in headers)
            {
                csv.WriteField(h);
            }
            await csv.EndRecordAsync(ct);
            await foreach (var r in rows.WithCancellation(ct))
            {
                foreach (var field in Fields(r, names, includeNames))
                {
                    csv.WriteField(field);
                }
                await csv.EndRecordAsync(ct);
                if (++count % 1000 == 0)
                {
                    await progress(count);
                }
            }
            await csv.FlushAsync(ct);
        }
        await progress(count);
        return count;
    }

    private static string Date(DateTimeOffset? t) => t is { } v ? Local(v).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>A case's fields as text, in header order (dates as dd/MM/yyyy HH:mm, Vietnam time).</summary>
    public static string[] Fields(CaseExportRow r, DirectoryNames names, bool includeNames)
    {
        var f = new List<string>(19)
        {
            r.Id, r.WardId, names.Wards.GetValueOrDefault(r.WardId, ""), r.ClusterId, Date(r.ReportTime), ReportLabels.Source((int)r.Source),
            string.Join("; ", r.Categories.Select(ReportLabels.Category)), ReportLabels.Sex((int)r.Sex),
            r.AgeYears >= 0 ? r.AgeYears.ToString(CultureInfo.InvariantCulture) : "", ReportLabels.Risk((int)r.Risk), ReportLabels.Step((int)r.Step),
            r.IsOpen ? "Có" : "Không", r.CaseWorker, Date(r.NextDue), ReportLabels.Plan((int)r.PlanStatus), r.Flagged ? "Có" : "Không",
            r.IsOpen ? "" : Date(r.CloseTime), r.IsOpen ? "" : r.CloseReason,
        };
        if (includeNames)
        {
            f.Add(r.PersonName);
        }
        return [.. f];
    }
}
