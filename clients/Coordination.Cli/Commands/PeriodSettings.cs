using System.ComponentModel;
using System.Globalization;
using Coordination.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Coordination.Cli.Commands;

/// <summary>Options naming a reporting period.</summary>
public class PeriodSettings : PlatformSettings
{
    /// <summary>A quarter.</summary>
    [CommandOption("--quarter <QUARTER>")]
    [Description("A quarter, e.g. 2026-Q4.")]
    public string? Quarter { get; init; }

    /// <summary>A year.</summary>
    [CommandOption("--year <YEAR>")]
    [Description("A calendar year, e.g. 2026.")]
    public int? Year { get; init; }

    /// <summary>First day.</summary>
    [CommandOption("--from <DATE>")]
    [Description("First day (yyyy-MM-dd), with --to.")]
    public string? From { get; init; }

    /// <summary>Last day.</summary>
    [CommandOption("--to <DATE>")]
    [Description("Last day, included (yyyy-MM-dd), with --from.")]
    public string? To { get; init; }

    /// <summary>Whether a period is required.</summary>
    protected virtual bool PeriodRequired => true;

    /// <inheritdoc/>
    public override ValidationResult Validate()
    {
        var named = (Quarter is not null ? 1 : 0) + (Year is not null ? 1 : 0) + (From is not null || To is not null ? 1 : 0);
        if (named > 1)
        {
            return ValidationResult.Error("Give one of --quarter, --year, or --from with --to.");
        }
        if (named == 0 && PeriodRequired)
        {
            return ValidationResult.Error("Give a period: --quarter 2026-Q4, --year 2026, or --from 2026-01-01 --to 2026-03-31.");
        }
        if ((From is null) != (To is null) || (From is not null && (Date(From) is null || Date(To) is null)))
        {
            return ValidationResult.Error("--from and --to go together, as yyyy-MM-dd dates.");
        }
        return base.Validate();
    }

    private static CalendarDate? Date(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? new CalendarDate { Year = d.Year, Month = d.Month, Day = d.Day }
            : null;

    /// <summary>The period in the contract's terms, or null when none was given.</summary>
    public ReportPeriod? Period() =>
        Quarter is not null ? new ReportPeriod { Quarter = Quarter }
        : Year is { } y ? new ReportPeriod { Year = y }
        : From is not null ? new ReportPeriod { Dates = new DateRange { StartDate = Date(From), EndDate = Date(To) } }
        : null;
}

/// <summary>Export formats as typed on the command line.</summary>
public static class Formats
{
    /// <summary>xlsx or csv to the contract's format.</summary>
    public static ExportFormat Parse(string format) => format.ToLowerInvariant() switch
    {
        "xlsx" => ExportFormat.Xlsx,
        "csv" => ExportFormat.Csv,
        _ => ExportFormat.Unspecified,
    };
}
