using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grpc.Core;
using Npgsql;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Reports;

/// <summary>Exports of the fixture quarter read back: the workbook cell by cell, the CSV field by field.</summary>
[Collection(Lanes.Work)]
public sealed class ReportExportTests(ReportFixture fixture)
{
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor Police = new("agencies/hai-chau-1-police", "Công an phường Hải Châu I", Actor.AgencySystem, "agencies/hai-chau-1-police");
    private static readonly Actor CaseWorker = new("users/case-worker", "Phan Văn Đức", Actor.CaseWorker, "city");

    private static async Task<(byte[] Bytes, ExportChunk First)> Collect(AsyncServerStreamingCall<ExportChunk> call)
    {
        using var buffer = new MemoryStream();
        ExportChunk? first = null;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            first ??= chunk;
            buffer.Write(chunk.Data.Span);
        }
        return (buffer.ToArray(), first!);
    }

    private Task<(byte[] Bytes, ExportChunk First)> Cases(Actor actor, string scope, ExportFormat format, bool names = true, ReportPeriod? period = null) =>
        Collect(new ReportService.ReportServiceClient(fixture.Host.As(actor)).ExportCases(new ExportCasesRequest
        {
            Scope = scope, Period = period, Format = format, IncludeClosed = true, IncludePersonNames = names,
        }));

    /// <summary>
    /// Every day the fixture's cases were reported on (September 2025 to March 2026), and not today:
    /// ReportFlowTests, which shares the host, opens cases in Thạch Thang today.
    /// </summary>
    private static ReportPeriod FixtureDays => new()
    {
        Dates = new DateRange
        {
            StartDate = new CalendarDate { Year = 2025, Month = 1, Day = 1 }, EndDate = new CalendarDate { Year = 2026, Month = 6, Day = 30 },
        },
    };

    /// <summary>The sheet's cells as text by row and column (0-based), and whether any cell holds a formula.</summary>
    private static (List<List<string>> Rows, bool Formulas, List<List<Cell>> Cells) Sheet(SpreadsheetDocument doc, string name)
    {
        var part = doc.WorkbookPart!;
        var sheet = part.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        var worksheet = ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet;
        var shared = part.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var rows = new List<List<string>>();
        var cells = new List<List<Cell>>();
        var formulas = false;
        foreach (var row in worksheet.Descendants<Row>())
        {
            var texts = new List<string>();
            var list = new List<Cell>();
            foreach (var cell in row.Elements<Cell>())
            {
                formulas |= cell.CellFormula is not null;
                var text = cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText
                    : cell.DataType?.Value == CellValues.SharedString ? shared[int.Parse(cell.CellValue!.Text)]
                    : cell.CellValue?.Text ?? "";
                texts.Add(text);
                list.Add(cell);
            }
            rows.Add(texts);
            cells.Add(list);
        }
        return (rows, formulas, cells);
    }

    [Fact]
    public async Task The_city_report_workbook_has_Vietnamese_headers_frozen_rows_formats_and_its_definitions_on_the_cover()
    {
        var (bytes, first) = await Collect(new ReportService.ReportServiceClient(fixture.Host.As(Coordinator)).ExportReport(new ExportReportRequest
        {
            Scope = "city", Period = new ReportPeriod { Quarter = "2026-Q1" }, Format = ExportFormat.Xlsx,
        }));
        Assert.Equal("bao-cao-city-2026-Q1.xlsx", first.FileName);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", first.ContentType);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);

        Assert.Equal(["Bìa", "Trường hợp", "Xu hướng", "Thời hạn luật định", "Hồ sơ trễ hạn", "Nhiệm vụ", "Lý do từ chối", "Hội thảo ca", "Tư vấn"],
            doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value));

        var cover = Sheet(doc, "Bìa");
        Assert.Equal(["Phạm vi / Scope", "Toàn thành phố", "city"], cover.Rows[1]);
        Assert.Equal(["Kỳ báo cáo / Period", "2026-Q1"], cover.Rows[2]);
        var definition = cover.Rows.Single(r => r.Count == 3 && r[0] == "clocks.plan_drafted");
        Assert.Equal("Lập kế hoạch trong 5 ngày làm việc", definition[1]);
        Assert.Contains("5 ngày làm việc", definition[2]);
        // Dates are numbers with a date format (Excel serial dates), not text.
        Assert.Equal(new DateTime(2026, 1, 1).ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture), cover.Rows[3][1]);

        var cases = Sheet(doc, "Trường hợp");
        Assert.False(cases.Formulas);
        Assert.Equal(["Chỉ tiêu", "Mã", "Giá trị", "Số lượng", "Tỷ lệ"], cases.Rows[0]);
        Assert.Equal(["Trường hợp mới tiếp nhận", "cases.new", "", "36"], cases.Rows[1]);
        var hotline = cases.Rows.Single(r => r[1] == "INTAKE_SOURCE_HOTLINE_CALL");
        Assert.Equal(["Theo nguồn tiếp nhận", "INTAKE_SOURCE_HOTLINE_CALL", "Tổng đài", "29"], hotline.Take(4));
        Assert.Equal(29.0 / 36, double.Parse(hotline[4], System.Globalization.CultureInfo.InvariantCulture), 6);
        var reason = cases.Rows.Single(r => r[1] == "Đã đoàn tụ gia đình");
        Assert.Equal(["Đóng theo lý do", "Đã đoàn tụ gia đình", "Đã đoàn tụ gia đình", "2"], reason.Take(4));
        var frozen = doc.WorkbookPart!.WorksheetParts.Select(p => p.Worksheet.Descendants<Pane>().FirstOrDefault())
            .Count(p => p is { State.Value: var s } && s == PaneStateValues.Frozen && p.VerticalSplit?.Value == 1);
        Assert.Equal(8, frozen); // every table sheet, not the cover

        var clocks = Sheet(doc, "Thời hạn luật định");
        Assert.Equal(["Biện pháp khẩn cấp trong 12 giờ", "clocks.emergency_measures", "5", "2", "2", "1", "0.5", "9"], clocks.Rows[1]);
        var late = Sheet(doc, "Hồ sơ trễ hạn");
        Assert.Equal(["Biện pháp khẩn cấp trong 12 giờ", "cases/T-C02", "wards/hai-chau-1"], late.Rows[1].Take(3));

        var tasks = Sheet(doc, "Nhiệm vụ");
        var police = tasks.Rows.Single(r => r[2] == "agencies/hai-chau-1-police");
        Assert.Equal(["Cơ quan", "Công an phường Hải Châu I", "agencies/hai-chau-1-police", "20", "14", "3", "12", "0", "0", "6", "3", "8"], police.Take(12));
        Assert.Equal([0.25, 0.925, 2, 3, 0.4], police.Skip(12).Select(v => Math.Round(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture), 6)));
        var conferences = Sheet(doc, "Hội thảo ca");
        Assert.Equal(["Cụm Hải Châu", "clusters/hai-chau", "2", "3", "3", "2"], conferences.Rows[1]);
        // Counselling (issue 12): the fixture's quarter has no sessions, every channel and topic listed at 0.
        var counselling = Sheet(doc, "Tư vấn");
        Assert.Equal(["Tổng cộng", "Số buổi tư vấn", "0"], counselling.Rows[1]);
        Assert.Contains(["Hình thức", "Tổng đài 18001046", "0"], counselling.Rows);
    }

    [Fact]
    public async Task A_city_case_export_in_CSV_round_trips_Vietnamese_text_and_defuses_formulas()
    {
        var (bytes, first) = await Cases(Coordinator, "city", ExportFormat.Csv, period: FixtureDays);

        Assert.Equal(40, first.TotalRows);
        Assert.Equal("text/csv; charset=utf-8", first.ContentType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes.Take(3));
        await using var csv = CsvReader.Create(new MemoryStream(bytes), CsvReaderOptions.Default, leaveOpen: false);
        var rows = new List<string[]>();
        while (await csv.ReadAsync())
        {
            rows.Add(csv.Current.ToArray());
        }
        Assert.Equal(40, rows.Count);
        var c01 = rows.Single(r => r[0] == "T-C01");
        Assert.Equal(["T-C01", "hai-chau-1", "Phường Hải Châu I", "hai-chau", "05/01/2026 09:00", "Tổng đài", "Bị xâm hại; Bị bạo lực", "Nữ", "7", "Nghiêm trọng",
            "Đang can thiệp", "Có", "users/hai-chau-1-officer", "", "Chưa có", "Không", "", "", "Nguyễn Thị Hằng"], c01);
        Assert.True(c01[18].IsNormalized(NormalizationForm.FormC));
        var c05 = rows.Single(r => r[0] == "T-C05");
        Assert.Equal(("21/01/2026 06:00", "Đã đoàn tụ gia đình"), (c05[16], c05[17]));
        // Text that a spreadsheet would run as a formula is written with a leading apostrophe.
        var c10 = rows.Single(r => r[0] == "T-C10");
        Assert.Equal("'=HYPERLINK(\"http://x\",\"Bấm\")", c10[18]);
        Assert.Equal("'@SUM(1+1)", c10[12]);
    }

    [Fact]
    public async Task A_ward_case_export_in_XLSX_keeps_formula_looking_names_as_text()
    {
        var (bytes, first) = await Cases(Officer, "wards/hai-chau-1", ExportFormat.Xlsx);

        Assert.Equal(15, first.TotalRows);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = Sheet(doc, "Hồ sơ");
        Assert.False(sheet.Formulas);
        Assert.Equal(16, sheet.Rows.Count);
        Assert.Equal("Mã hồ sơ", sheet.Rows[0][0]);
        Assert.Equal("Họ tên", sheet.Rows[0][18]);
        var index = sheet.Rows.FindIndex(r => r[0] == "T-C10");
        Assert.Equal("=HYPERLINK(\"http://x\",\"Bấm\")", sheet.Rows[index][18]);
        Assert.Equal(CellValues.InlineString, sheet.Cells[index][18].DataType!.Value);
        Assert.Equal("10", sheet.Rows[index][8]);
        Assert.Null(sheet.Cells[index][8].DataType); // the age is a number
    }

    [Fact]
    public async Task Agencies_case_workers_and_other_wards_cannot_export_cases()
    {
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(Police, "wards/hai-chau-1", ExportFormat.Csv));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(Police, "city", ExportFormat.Csv));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(Officer, "city", ExportFormat.Csv));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(Officer, "wards/xuan-ha", ExportFormat.Csv));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Cases(CaseWorker, "city", ExportFormat.Csv));
    }

    [Fact]
    public async Task A_case_export_is_audited_as_one_bulk_read_with_its_filter_and_row_count_and_a_read_of_each_case()
    {
        var auditor = new Actor("users/export-audit-" + Guid.NewGuid().ToString("N")[..6], "Điều phối viên", Actor.CentreCoordinator, "city");
        await Cases(auditor, "clusters/thanh-khe", ExportFormat.Csv, names: false);

        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var rows = new List<(string Method, string Resource, string Outcome)>();
        for (var i = 0; i < 40 && !rows.Any(r => r.Resource.StartsWith("cases?", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(250);
            rows.Clear();
            await using var cmd = db.CreateCommand("select method, resource, outcome from audit_events where principal = @p");
            cmd.Parameters.AddWithValue("p", auditor.Principal);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        var row = Assert.Single(rows, r => r.Resource.StartsWith("cases?", StringComparison.Ordinal));
        Assert.Equal("coordination.v1.ReportService/ExportCases", row.Method);
        Assert.Equal("cases?scope=clusters/thanh-khe&period=all&include_closed=true&include_person_names=false&format=csv&rows=25", row.Resource);
        Assert.Equal("OK", row.Outcome);
        // Each exported case is a disclosure of that case, in the case's own trail.
        var perCase = rows.Where(r => r.Resource.StartsWith("cases/", StringComparison.Ordinal)).ToList();
        Assert.Equal(25, perCase.Select(r => r.Resource).Distinct().Count());
        Assert.All(perCase, r => Assert.Equal(("coordination.v1.ReportService/ExportCases", "OK"), (r.Method, r.Outcome)));
        Assert.Equal(26, rows.Count);
    }

    [Fact]
    public async Task A_download_is_audited_case_by_case_and_a_refused_one_with_its_outcome()
    {
        var officer = new Actor("users/download-audit-" + Guid.NewGuid().ToString("N")[..6], "Cán bộ", Actor.WardOfficer, "wards/hai-chau-1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Host.HttpPort}") };
        async Task<(HttpStatusCode Status, string Text)> Download(string scope)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/exports/cases?scope={scope}&format=csv&include_closed=true");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Host.TokenFor(officer));
            using var response = await http.SendAsync(request);
            return (response.StatusCode, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        }

        var (status, text) = await Download("wards/hai-chau-1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Download("wards/xuan-ha")).Status);

        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var rows = new List<(string Method, string Resource, string Outcome)>();
        for (var i = 0; i < 40 && !(rows.Any(r => r.Resource.StartsWith("cases?", StringComparison.Ordinal)) && rows.Any(r => r.Outcome != "OK")); i++)
        {
            await Task.Delay(250);
            rows.Clear();
            await using var cmd = db.CreateCommand("select method, resource, outcome from audit_events where principal = @p");
            cmd.Parameters.AddWithValue("p", officer.Principal);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        Assert.All(rows, r => Assert.Equal("GET /v1/exports/cases", r.Method));
        var cases = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        var bulk = Assert.Single(rows, r => r.Resource.StartsWith("cases?", StringComparison.Ordinal));
        Assert.EndsWith($"&rows={cases}", bulk.Resource);
        Assert.Equal(cases, rows.Where(r => r.Resource.StartsWith("cases/", StringComparison.Ordinal) && r.Outcome == "OK").Select(r => r.Resource).Distinct().Count());
        Assert.Contains(("GET /v1/exports/cases", "wards/xuan-ha", "PERMISSION_DENIED"), rows);
    }

    [Fact]
    public async Task Files_download_over_plain_HTTP_on_the_REST_port_with_the_same_rules()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Host.HttpPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/exports/cases?scope=wards/hai-chau-1&format=csv&include_closed=true");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Host.TokenFor(Officer));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment; filename=\"ho-so-wards-hai-chau-1-tat-ca.csv\"", response.Content.Headers.ContentDisposition?.ToString());
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(16, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("Phường Hải Châu I", text);

        using var report = new HttpRequestMessage(HttpMethod.Get, "/v1/exports/report?scope=city&quarter=2026-Q1&format=xlsx");
        report.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Host.TokenFor(Coordinator));
        using var workbook = await http.SendAsync(report);
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(await workbook.Content.ReadAsByteArrayAsync()), false);
        Assert.Equal("Bìa", doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().First().Name!.Value);

        using var refused = new HttpRequestMessage(HttpMethod.Get, "/v1/exports/cases?scope=wards/hai-chau-1&format=csv");
        refused.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Host.TokenFor(Police));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(refused)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/exports/cases?scope=city&format=csv")).StatusCode);
    }
}
