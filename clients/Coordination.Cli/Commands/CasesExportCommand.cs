using System.ComponentModel;
using System.Diagnostics;
using Coordination.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Rendering;

namespace Coordination.Cli.Commands;

/// <summary><c>coord cases export</c>: a scope's cases as an Excel or CSV file, with a progress bar.</summary>
public sealed class CasesExportCommand : AsyncCommand<CasesExportCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : PeriodSettings
    {
        /// <summary>Ward.</summary>
        [CommandOption("--ward <WARD>")]
        [Description("Only this ward's cases, wards/{ward}.")]
        public string? Ward { get; init; }

        /// <summary>Scope.</summary>
        [CommandOption("--scope <SCOPE>")]
        [Description("city, clusters/{cluster} or wards/{ward} (instead of --ward).")]
        public string? Scope { get; init; }

        /// <summary>Format.</summary>
        [CommandOption("--format <FORMAT>")]
        [Description("xlsx (default) or csv.")]
        public string Format { get; init; } = "xlsx";

        /// <summary>Output.</summary>
        [CommandOption("--out <FILE>")]
        [Description("Where to save. Default: the name the platform suggests.")]
        public string? Out { get; init; }

        /// <summary>Closed cases too.</summary>
        [CommandOption("--include-closed")]
        [Description("Include closed cases (by default only open ones).")]
        public bool IncludeClosed { get; init; }

        /// <summary>Names too.</summary>
        [CommandOption("--include-names")]
        [Description("Include the person's name (left out unless asked).")]
        public bool IncludeNames { get; init; }

        /// <inheritdoc/>
        protected override bool PeriodRequired => false;

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            Ward is null == (Scope is null) ? ValidationResult.Error("Give --ward wards/{ward}, or --scope city|clusters/{cluster}|wards/{ward}.")
            : Format is not ("xlsx" or "csv") ? ValidationResult.Error("--format is xlsx or csv.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        // A long export: no overall deadline, the stream itself shows progress.
        using var client = settings.Connect(TimeSpan.FromHours(6));
        var call = client.Reports.ExportCases(new ExportCasesRequest
        {
            Scope = settings.Ward ?? settings.Scope!,
            Period = settings.Period(),
            Format = Formats.Parse(settings.Format),
            IncludeClosed = settings.IncludeClosed,
            IncludePersonNames = settings.IncludeNames,
        }, client.Call(cancellationToken));
        var clock = Stopwatch.StartNew();
        long rows = 0;
        string path = "";
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RowsPerSecondColumn(() => rows, clock), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Hồ sơ / cases", maxValue: 1);
                path = await ReportCommand.SaveAsync(call.ResponseStream, settings.Out, chunk =>
                {
                    if (chunk.TotalRows > 0)
                    {
                        task.MaxValue = chunk.TotalRows;
                    }
                    rows = chunk.RowsWritten;
                    task.Value = rows;
                }, cancellationToken);
                task.Value = task.MaxValue;
            });
        AnsiConsole.MarkupLineInterpolated($"[green]Saved[/] {path} ({new FileInfo(path).Length:N0} bytes) in {clock.Elapsed.TotalSeconds:0.0} s");
        return ExitCodes.Ok;
    });

    /// <summary>Rows per second so far.</summary>
    private sealed class RowsPerSecondColumn(Func<long> rows, Stopwatch clock) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{rows():N0} rows, {rows() / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s");
    }
}
