using System.ComponentModel;
using Coordination.V1;
using CsvHelper;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Coordination.Cli.Commands;

/// <summary>
/// <c>coord directory import FILE.csv</c>: clusters, wards, agencies and ward people from a
/// spreadsheet saved as CSV, with the header
/// <c>type,id,display_name,parent,kind,province,administrative_code,phone,email,parent_organization,address</c>.
/// The platform checks every line first and applies nothing if one is wrong; lines that match the
/// directory change nothing, so a second run is a no-op.
/// </summary>
public sealed class DirectoryImportCommand : AsyncCommand<DirectoryImportCommand.Settings>
{
    /// <summary>The columns of the file.</summary>
    public static readonly string[] Columns =
        ["type", "id", "display_name", "parent", "kind", "province", "administrative_code", "phone", "email", "parent_organization", "address"];

    /// <summary>Options.</summary>
    public sealed class Settings : PlatformSettings
    {
        /// <summary>The file.</summary>
        [CommandArgument(0, "<FILE>")]
        [Description("A CSV file (UTF-8) with the header " + "type,id,display_name,parent,kind,province,administrative_code,phone,email,parent_organization,address.")]
        public string File { get; init; } = "";

        /// <summary>Check only.</summary>
        [CommandOption("--dry-run")]
        [Description("Check every line and show what would change, without changing anything.")]
        public bool DryRun { get; init; }
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        if (!System.IO.File.Exists(settings.File))
        {
            throw new CliException(ExitCodes.FileError, $"No file {settings.File}.");
        }
        var (rows, errors) = await ReadAsync(settings.File, cancellationToken);
        if (errors.Count == 0)
        {
            using var client = settings.Connect();
            var request = new ImportDirectoryRequest { ValidateOnly = settings.DryRun };
            request.Rows.AddRange(rows);
            var response = await client.Directory.ImportDirectoryAsync(request, client.Call(cancellationToken));
            errors.AddRange(response.Errors);
            if (errors.Count == 0)
            {
                var table = new Table().AddColumns("Dòng / line", "Thay đổi / change", "Tài nguyên / resource");
                foreach (var c in response.Changes)
                {
                    table.AddRow(c.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Action == "CREATE" ? "[green]tạo mới / create[/]" : "[yellow]cập nhật / update[/]", Markup.Escape(c.Resource));
                }
                if (response.Changes.Count > 0)
                {
                    AnsiConsole.Write(table);
                }
                AnsiConsole.MarkupLineInterpolated(
                    $"{rows.Count} lines: {response.Changes.Count} change(s){(settings.DryRun ? " would be made (dry run, nothing changed)" : " made")}, {response.Unchanged} already up to date.");
                return ExitCodes.Ok;
            }
        }
        var list = new Table().AddColumns("Dòng / line", "Cột / field", "Lỗi / error");
        foreach (var e in errors.OrderBy(e => e.Line))
        {
            list.AddRow(e.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(e.Field), Markup.Escape(e.Message));
        }
        AnsiConsole.Write(list);
        AnsiConsole.MarkupLineInterpolated($"[red]{errors.Count} error(s) in {settings.File}: nothing was changed.[/]");
        return ExitCodes.BadInput;
    });

    /// <summary>Reads the file's rows with their line numbers; a row the file itself gets wrong is an error.</summary>
    public static async Task<(List<DirectoryImportRow> Rows, List<ImportLineError> Errors)> ReadAsync(string path, CancellationToken ct)
    {
        var rows = new List<DirectoryImportRow>();
        var errors = new List<ImportLineError>();
        await using var stream = System.IO.File.OpenRead(path);
        await using var csv = CsvReader.Create(stream, CsvReaderOptions.Default with { TrackLineNumbers = true, TrimWhitespace = true, SkipEmptyLines = true }, leaveOpen: false);
        var index = new int[Columns.Length];
        var headerChecked = false;
        while (await csv.ReadAsync(ct))
        {
            var fields = csv.Current.ToArray();
            if (!headerChecked)
            {
                headerChecked = true;
                for (var i = 0; i < Columns.Length; i++)
                {
                    index[i] = csv.GetFieldIndex(Columns[i]);
                }
                if (index[0] < 0 || index[1] < 0 || index[2] < 0)
                {
                    errors.Add(new ImportLineError { Line = 1, Field = "header", Message = "The first line must name the columns: " + string.Join(",", Columns) });
                    return (rows, errors);
                }
            }
            var line = (int)csv.LineNumber;
            string F(int column) => index[column] >= 0 && index[column] < fields.Length ? fields[index[column]] : "";
            var type = F(0).ToLowerInvariant() switch
            {
                "cluster" => DirectoryRowType.Cluster,
                "ward" => DirectoryRowType.Ward,
                "agency" => DirectoryRowType.Agency,
                "person" => DirectoryRowType.Person,
                _ => DirectoryRowType.Unspecified,
            };
            if (type == DirectoryRowType.Unspecified)
            {
                errors.Add(new ImportLineError { Line = line, Field = "type", Message = $"'{F(0)}' is not cluster, ward, agency or person / loại dòng không hợp lệ." });
                continue;
            }
            rows.Add(new DirectoryImportRow
            {
                Line = line, Type = type, Id = F(1), DisplayName = F(2), Parent = F(3), Kind = F(4), Province = F(5), AdministrativeCode = F(6),
                Phone = F(7), Email = F(8), ParentOrganization = F(9), Address = F(10),
            });
        }
        if (rows.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ImportLineError { Line = 1, Field = "", Message = "The file has no rows / tệp không có dòng nào." });
        }
        return (rows, errors);
    }
}
