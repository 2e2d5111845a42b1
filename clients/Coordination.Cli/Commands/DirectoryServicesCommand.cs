using System.ComponentModel;
using System.Globalization;
using Coordination.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Coordination.Cli.Commands;

/// <summary>
/// <c>coord directory services [--agency agencies/{agency}]</c>: the service catalogue, with each
/// service's response time and capacity, for one agency or every agency.
/// </summary>
public sealed class DirectoryServicesCommand : AsyncCommand<DirectoryServicesCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : PlatformSettings
    {
        /// <summary>The agency.</summary>
        [CommandOption("--agency <AGENCY>")]
        [Description("Only this agency's services, e.g. agencies/hai-chau-1-health (default: every agency).")]
        public string Agency { get; init; } = "agencies/-";
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        using var client = settings.Connect();
        var table = new Table().AddColumns("Dịch vụ / service", "Tên / name", "Phản hồi / response", "Tiếp nhận / capacity");
        var token = "";
        var count = 0;
        do
        {
            var page = await client.Directory.ListAgencyServicesAsync(
                new ListAgencyServicesRequest { Parent = settings.Agency, PageSize = 500, PageToken = token }, client.Call(cancellationToken));
            foreach (var s in page.Services)
            {
                table.AddRow(Markup.Escape(s.Name), Markup.Escape(s.DisplayName), Markup.Escape(ResponseTime(s.ResponseTime)), Markup.Escape(Capacity(s)));
                count++;
            }
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{count} service(s).");
        return ExitCodes.Ok;
    });

    private static string ResponseTime(Coordination.V1.ResponseTime? t) => t?.Unit switch
    {
        ResponseTimeUnit.Hours => string.Create(CultureInfo.InvariantCulture, $"{t.Value} giờ / hours"),
        ResponseTimeUnit.WorkingDays => string.Create(CultureInfo.InvariantCulture, $"{t.Value} ngày làm việc / working days"),
        _ => "",
    };

    private static string Capacity(AgencyService s) => (s.Capacity switch
    {
        ServiceCapacity.Open => "đang nhận / open",
        ServiceCapacity.Waitlist => "danh sách chờ / waitlist",
        ServiceCapacity.Closed => "tạm ngừng / closed",
        _ => "",
    }) + (s.CapacityNote.Length > 0 ? $" ({s.CapacityNote})" : "");
}
