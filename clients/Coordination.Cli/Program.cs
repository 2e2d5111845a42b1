using Coordination.Cli;
using Coordination.Cli.Commands;
using Spectre.Console.Cli;

// coord: reports and exports, directory imports, tokens and agency systems, through the platform's
// contract; backups and restores of its database and keys, directly. Exit codes: see ExitCodes.
// Tables written to a file or a pipe get room instead of the 80 columns of an unknown terminal.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 150);
}
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("coord");
    config.SetApplicationVersion(typeof(ExitCodes).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");
    config.AddCommand<ReportCommand>("report")
        .WithDescription("Statistics of a scope and period: as tables, or saved as an Excel or CSV file.")
        .WithExample("report", "--scope", "city", "--quarter", "2026-Q4")
        .WithExample("report", "--scope", "wards/hai-chau-1", "--year", "2026", "--format", "xlsx", "--out", "bao-cao.xlsx");
    config.AddBranch("cases", cases =>
    {
        cases.SetDescription("Case lists.");
        cases.AddCommand<CasesExportCommand>("export")
            .WithDescription("Exports the cases of a ward, cluster or the city as an Excel or CSV file, with a progress bar.")
            .WithExample("cases", "export", "--ward", "wards/hai-chau-1", "--format", "xlsx", "--out", "ho-so.xlsx");
    });
    config.AddBranch("directory", directory =>
    {
        directory.SetDescription("The directory of clusters, wards, agencies and ward people.");
        directory.AddCommand<DirectoryImportCommand>("import")
            .WithDescription("Imports clusters, wards, agencies and ward people from a CSV file; checks every line first, applies nothing if one is wrong.")
            .WithExample("directory", "import", "danh-muc.csv", "--dry-run");
        directory.AddCommand<DirectoryServicesCommand>("services")
            .WithDescription("Lists the service catalogue with response times and capacity, of one agency or every agency.")
            .WithExample("directory", "services", "--agency", "agencies/hai-chau-1-health");
    });
    config.AddBranch("token", token =>
    {
        token.SetDescription("Tokens signed with the platform's key.");
        token.AddCommand<TokenIssueCommand>("issue")
            .WithDescription("Issues a person's token (needs the signing key).")
            .WithExample("token", "issue", "--principal", "users/new-officer", "--name", "Võ Văn Mới", "--role", "WARD_OFFICER", "--scope", "wards/hai-chau-1");
    });
    config.AddBranch("backup", backup =>
    {
        // Spectre's help for a branch does not list its default command's options: they are named here (markup, so [[ ]]).
        backup.SetDescription("Backs up the database (a consistent pg_dump), the signing keys and credentials, with a manifest and checksums: "
            + "coord backup --out DIR [[--data DIR]] [[--db CONNECTION]] [[--key FILE]] (database: --db, else COORD_DB, else the data folder's ./run.sh PostgreSQL).");
        backup.SetDefaultCommand<BackupCommand>();
        backup.AddCommand<BackupVerifyCommand>("verify")
            .WithDescription("Checks a backup: every file against its SHA-256, and that pg_restore can read the dump.")
            .WithExample("backup", "verify", "backups/2026-12-01");
    });
    config.AddCommand<RestoreCommand>("restore")
        .WithDescription("Restores a backup into an empty or new database and a data folder (keys owner-only); refuses a database that holds tables unless --force.")
        .WithExample("restore", "backups/2026-12-01")
        .WithExample("restore", "backups/2026-12-01", "--db", "Host=127.0.0.1;Port=55432;Username=coord;Database=coord_restore_test", "--data", "/tmp/restore-test");
    config.AddBranch("agency", agency =>
    {
        agency.SetDescription("Agency systems.");
        agency.AddCommand<AgencyRegisterCommand>("register")
            .WithDescription("Registers an agency system in the directory and prints its credential (needs the signing key).")
            .WithExample("agency", "register", "--id", "hai-chau-1-school", "--name", "Trường Tiểu học Hải Châu", "--kind", "EDUCATION", "--ward", "wards/hai-chau-1");
    });
});
var code = await app.RunAsync(args);
// Spectre answers -1 for a command line it cannot parse.
return code < 0 ? ExitCodes.Usage : code;
