using System.ComponentModel;
using System.Globalization;
using Coordination.V1;
using Grpc.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Coordination.Cli.Commands;

/// <summary><c>coord report</c>: the statistics of a scope and period, as tables or a file.</summary>
public sealed class ReportCommand : AsyncCommand<ReportCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : PeriodSettings
    {
        /// <summary>Scope.</summary>
        [CommandOption("--scope <SCOPE>")]
        [Description("city, clusters/{cluster}, wards/{ward} or agencies/{agency}. Default: city.")]
        public string Scope { get; init; } = "city";

        /// <summary>Output format.</summary>
        [CommandOption("--format <FORMAT>")]
        [Description("table (default), xlsx or csv.")]
        public string Format { get; init; } = "table";

        /// <summary>Output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("Where to save an xlsx or csv report. Default: the name the platform suggests, in the current folder.")]
        public string? Out { get; init; }

        /// <summary>Trend quarters.</summary>
        [CommandOption("--trend <QUARTERS>")]
        [Description("How many quarters the case trend covers (1–12). Default: 4.")]
        public int Trend { get; init; }

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            Format is not ("table" or "xlsx" or "csv") ? ValidationResult.Error("--format is table, xlsx or csv.")
            : Format == "table" && Out is not null ? ValidationResult.Error("--out goes with --format xlsx or csv.")
            : Trend is < 0 or > 12 ? ValidationResult.Error("--trend is 1 to 12.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        using var client = settings.Connect();
        if (settings.Format == "table")
        {
            var report = await client.Reports.GetReportAsync(new GetReportRequest
            {
                Scope = settings.Scope, Period = settings.Period(), TrendQuarters = settings.Trend,
            }, client.Call(cancellationToken));
            ReportTables.Write(report);
            return ExitCodes.Ok;
        }
        var call = client.Reports.ExportReport(new ExportReportRequest
        {
            Scope = settings.Scope, Period = settings.Period(), Format = Formats.Parse(settings.Format), TrendQuarters = settings.Trend,
        }, client.Call(cancellationToken));
        var path = await SaveAsync(call.ResponseStream, settings.Out, null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Saved[/] {path} ({new FileInfo(path).Length:N0} bytes)");
        return ExitCodes.Ok;
    });

    /// <summary>Writes the chunks of an export to <paramref name="path"/> (or the suggested name); a failed export leaves no file.</summary>
    public static async Task<string> SaveAsync(IAsyncStreamReader<ExportChunk> chunks, string? path, Action<ExportChunk>? progress, CancellationToken ct)
    {
        string? target = path;
        string? temp = null;
        FileStream? file = null;
        try
        {
            while (await chunks.MoveNext(ct))
            {
                var chunk = chunks.Current;
                if (file is null)
                {
                    target ??= chunk.FileName.Length > 0 ? chunk.FileName : "export";
                    var folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
                    Directory.CreateDirectory(folder);
                    temp = Path.Combine(folder, "." + Path.GetFileName(target) + ".part");
                    file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
                }
                await file.WriteAsync(chunk.Data.Memory, ct);
                progress?.Invoke(chunk);
            }
            if (file is null)
            {
                throw new CliException(ExitCodes.Refused, "The platform sent an empty export.");
            }
            await file.DisposeAsync();
            file = null;
            File.Move(temp!, target!, overwrite: true);
            return target!;
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync();
                File.Delete(temp!);
            }
        }
    }
}

/// <summary>A report as console tables.</summary>
public static class ReportTables
{
    private static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);
    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    private static string D(double d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="r"/> to the console.</summary>
    public static void Write(Report r)
    {
        AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(r.ScopeDisplayName)}[/] · {Markup.Escape(r.PeriodLabel)}").LeftJustified());
        AnsiConsole.MarkupLineInterpolated($"[grey]{r.Scope}; figures as of {r.AsOfTime.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(7)):dd/MM/yyyy HH:mm} (Vietnam time)[/]");
        if (r.Cases is { } c)
        {
            var cases = new Table().Title("Trường hợp / Cases").AddColumns("Chỉ tiêu", "Giá trị", "Số lượng", "Tỷ lệ");
            cases.Columns[2].RightAligned();
            cases.Columns[3].RightAligned();
            void Total(string label, long n) => cases.AddRow(Markup.Escape(label), "", $"[bold]{N(n)}[/]", "");
            void Rows(string label, Breakdown b)
            {
                foreach (var row in b.Rows.Where(x => x.Count > 0))
                {
                    cases.AddRow(Markup.Escape(label), Markup.Escape(row.Label), N(row.Count), P(row.Share));
                }
            }
            Total("Trường hợp mới", c.NewCases);
            Rows("  theo nguồn", c.NewBySource);
            Rows("  theo nhóm", c.NewByCategory);
            Rows("  theo giới tính", c.NewBySex);
            Rows("  theo độ tuổi", c.NewByAgeBand);
            Rows("  theo nguy cơ", c.NewByRisk);
            Total("Đang mở cuối kỳ", c.OpenAtEnd);
            Rows("  theo bước", c.OpenByStep);
            Total("Đóng trong kỳ", c.Closed);
            Rows("  theo lý do", c.ClosedByReason);
            Total("Mở quá 6 tháng", c.OpenOverSixMonths);
            AnsiConsole.Write(cases);
            var trend = new Table().Title("Xu hướng / Trend").AddColumns("Quý", "Mới", "Đóng");
            foreach (var q in c.Trend)
            {
                trend.AddRow(q.Quarter, N(q.NewCases), N(q.ClosedCases));
            }
            AnsiConsole.Write(trend);
        }
        if (r.Clocks.Count > 0)
        {
            var clocks = new Table().Title("Thời hạn luật định / Legal clocks").AddColumns("Thời hạn", "Số lượng", "Đúng hạn", "Trễ", "Chưa đến hạn", "Tỷ lệ đúng hạn", "Trung vị");
            foreach (var k in r.Clocks)
            {
                clocks.AddRow(Markup.Escape(r.Definitions.FirstOrDefault(d => d.Key == k.Key)?.Label ?? k.Key), N(k.Count), N(k.Met), N(k.Late), N(k.Pending), P(k.ShareMet), D(k.MedianToDone));
            }
            AnsiConsole.Write(clocks);
        }
        var tasks = new Table().Title("Nhiệm vụ và chuyển tuyến / Tasks (median days are working days)").AddColumns(
            "Cơ quan", "Giao", "Nhận", "Từ chối", "Xong", "Hỏng", "Hủy", "Quá hạn", "Báo cấp trên", "Khép vòng", "Ngày nhận (TV)", "Ngày xong (TV)");
        foreach (var f in r.Tasks.ByAgencyKind.Append(r.Tasks.Total))
        {
            tasks.AddRow(Markup.Escape(f.DisplayName), N(f.Assigned), N(f.Accepted), N(f.Rejected), N(f.Completed), N(f.Failed), N(f.Cancelled), N(f.Overdue),
                N(f.Escalated), $"{N(f.Reviewed)} ({P(f.ClosedLoopShare)})", D(f.MedianDaysToAccept), D(f.MedianDaysToComplete));
        }
        AnsiConsole.Write(tasks);
        if (r.Conferences is { } conf)
        {
            var table = new Table().Title("Hội thảo ca / Conferences").AddColumns("Cụm", "Đã tổ chức", "Ca thảo luận", "Quyết định", "Hoàn thành đúng hạn");
            foreach (var k in conf.ByCluster.Append(conf.Total))
            {
                table.AddRow(Markup.Escape(k.DisplayName), N(k.Held), N(k.CasesDiscussed), N(k.Decisions), N(k.DecisionsCompletedOnTime));
            }
            AnsiConsole.Write(table);
        }
    }
}
