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
        token.SetDescription("Tokens signed with the platform's keys.");
        token.AddCommand<TokenIssueCommand>("issue")
            .WithDescription("Issues a person's token (needs the signing keys).")
            .WithExample("token", "issue", "--principal", "users/new-officer", "--name", "Võ Văn Mới", "--role", "WARD_OFFICER", "--scope", "wards/hai-chau-1");
        token.AddCommand<TokenRevokeCommand>("revoke")
            .WithDescription("Revokes a token by its id, or every token of a person or agency system so far; every host refuses them within 10 s.")
            .WithExample("token", "revoke", "--id", "3f2a9c0e5b7d4e1f8a6b2c4d9e0f1a2b", "--reason", "Máy tính bị mất")
            .WithExample("token", "revoke", "--principal", "agencies/hai-chau-1-school", "--reason", "Ngừng kết nối");
    });
    config.AddBranch("key", key =>
    {
        key.SetDescription("The platform's signing keys (a folder on the host machine; hosts re-read it every few seconds).");
        key.AddCommand<KeyListCommand>("list").WithDescription("Lists the signing keys with their status: PENDING, ACTIVE, VERIFYING, RETIRED.");
        key.AddCommand<KeyRotateCommand>("rotate")
            .WithDescription("Adds a key that signs new tokens after a few seconds; older keys verify until their last token has expired.")
            .WithExample("key", "rotate");
        key.AddCommand<KeyRetireCommand>("retire")
            .WithDescription("Retires a key at once: tokens it signed are refused everywhere within 10 s.")
            .WithExample("key", "retire", "--kid", "0123456789abcdef");
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
            .WithDescription("Registers an agency system in the directory (or keeps it) and prints a new client secret, once.")
            .WithExample("agency", "register", "--id", "hai-chau-1-school", "--name", "Trường Tiểu học Hải Châu", "--kind", "EDUCATION", "--ward", "wards/hai-chau-1");
        agency.AddCommand<AgencyRotateSecretCommand>("rotate-secret")
            .WithDescription("Makes a new client secret for an agency system and prints it once; the old secret stops working.")
            .WithExample("agency", "rotate-secret", "--agency", "agencies/hai-chau-1-school");
    });
});
var code = await app.RunAsync(args);
// Spectre answers -1 for a command line it cannot parse.
return code < 0 ? ExitCodes.Usage : code;
