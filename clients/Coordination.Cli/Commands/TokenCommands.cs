using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Coordination.Tokens;
using Coordination.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Cli.Commands;

/// <summary>Where the signing key is.</summary>
public static class Keys
{
    /// <summary>The issuer for the key at <paramref name="path"/> (default: $COORD_DATA_DIR/signing-key.pem).</summary>
    public static TokenIssuer Issuer(string? path)
    {
        var key = path ?? Path.Combine(PlatformSettings.DataDirectory, "signing-key.pem");
        if (!File.Exists(key))
        {
            throw new CliException(ExitCodes.Unreachable, $"No signing key at {key}: start the platform once (./run.sh) or pass --key.");
        }
        return new TokenIssuer(SigningKey.LoadOrCreate(key), "coordination-platform", "coordination-api", TimeProvider.System);
    }
}

/// <summary><c>coord token issue</c>: a person's token.</summary>
public sealed class TokenIssueCommand : Command<TokenIssueCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Principal.</summary>
        [CommandOption("--principal <USER>")]
        [Description("users/{id}. Required.")]
        public string Principal { get; init; } = "";

        /// <summary>Name.</summary>
        [CommandOption("--name <NAME>")]
        [Description("The person's name, with diacritics. Required.")]
        public string Name { get; init; } = "";

        /// <summary>Role.</summary>
        [CommandOption("--role <ROLE>")]
        [Description("CENTRE_COORDINATOR, CASE_WORKER, AUDITOR (scope city), WARD_VICE_CHAIR, WARD_OFFICER (scope wards/ID), AGENCY_SYSTEM, AGENCY_LIAISON (scope agencies/ID).")]
        public string Role { get; init; } = "";

        /// <summary>Scope.</summary>
        [CommandOption("--scope <SCOPE>")]
        [Description("city, wards/{ward} or agencies/{agency}. Required.")]
        public string Scope { get; init; } = "";

        /// <summary>Days.</summary>
        [CommandOption("--days <DAYS>")]
        [Description("Lifetime in days. Default: 30.")]
        public int Days { get; init; } = 30;

        /// <summary>Key.</summary>
        [CommandOption("--key <FILE>")]
        [Description("The signing key. Default: $COORD_DATA_DIR/signing-key.pem.")]
        public string? Key { get; init; }

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            Principal.Length == 0 || Name.Length == 0 || Role.Length == 0 || Scope.Length == 0
                ? ValidationResult.Error("--principal, --name, --role and --scope are required.")
                : Days is < 1 or > 3650 ? ValidationResult.Error("--days is 1 to 3650.")
                : ValidationResult.Success();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Run.Guarded(() =>
        {
            Console.WriteLine(Keys.Issuer(settings.Key).Issue(new Actor(settings.Principal, settings.Name, settings.Role, settings.Scope), TimeSpan.FromDays(settings.Days)));
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult();
}

/// <summary><c>coord agency register</c>: an agency system in the directory, and its credential.</summary>
public sealed class AgencyRegisterCommand : AsyncCommand<AgencyRegisterCommand.Settings>
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Options.</summary>
    public sealed class Settings : PlatformSettings
    {
        /// <summary>Id.</summary>
        [CommandOption("--id <ID>")]
        [Description("The agency id, e.g. hai-chau-1-school. Required.")]
        public string Id { get; init; } = "";

        /// <summary>Name.</summary>
        [CommandOption("--name <NAME>")]
        [Description("Its name with diacritics. Required.")]
        public string Name { get; init; } = "";

        /// <summary>Kind.</summary>
        [CommandOption("--kind <KIND>")]
        [Description("POLICE, JUSTICE, HEALTH, WOMENS_UNION, EDUCATION, YOUTH_UNION, SOCIAL_AFFAIRS, OTHER, ... Required.")]
        public string Kind { get; init; } = "";

        /// <summary>Ward.</summary>
        [CommandOption("--ward <WARD>")]
        [Description("The ward it serves, wards/{ward}; none for a city-wide agency.")]
        public string Ward { get; init; } = "";

        /// <summary>Days.</summary>
        [CommandOption("--days <DAYS>")]
        [Description("Lifetime of the credential in days. Default: 365.")]
        public int Days { get; init; } = 365;

        /// <summary>Key.</summary>
        [CommandOption("--key <FILE>")]
        [Description("The signing key, to issue the agency's credential. Default: $COORD_DATA_DIR/signing-key.pem.")]
        public string? Key { get; init; }

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            Id.Length == 0 || Name.Length == 0 || Kind.Length == 0 ? ValidationResult.Error("--id, --name and --kind are required.")
            : !Enum.TryParse<AgencyKind>(Kind.Replace("_", "", StringComparison.Ordinal), true, out _) ? ValidationResult.Error($"Unknown --kind {Kind}.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        var issuer = Keys.Issuer(settings.Key);
        // With the key at hand, call as a coordinator signed for this command; else with the given credential.
        var admin = settings.Token is null && Environment.GetEnvironmentVariable("COORD_TOKEN") is null or ""
            ? issuer.Issue(new Actor("users/coord-cli", "coord CLI", Actor.CentreCoordinator, "city"), TimeSpan.FromMinutes(5))
            : settings.ResolveToken();
        using var client = new Client.CoordinationClient(new Client.CoordinationClientOptions
        {
            Address = new Uri(settings.Target),
            Token = _ => ValueTask.FromResult(admin),
        });
        var agency = await client.Directory.CreateAgencyAsync(new CreateAgencyRequest
        {
            AgencyId = settings.Id,
            RequestId = "coord-cli-register-" + settings.Id,
            Agency = new Agency
            {
                DisplayName = settings.Name, Kind = Enum.Parse<AgencyKind>(settings.Kind.Replace("_", "", StringComparison.Ordinal), true), Ward = settings.Ward,
            },
        }, client.Call(cancellationToken));
        var token = issuer.Issue(new Actor(agency.Name, agency.DisplayName, Actor.AgencySystem, agency.Name), TimeSpan.FromDays(settings.Days));
        Console.WriteLine(JsonSerializer.Serialize(new { agency = agency.Name, displayName = agency.DisplayName, role = Actor.AgencySystem, scope = agency.Name, token }, Json));
        return ExitCodes.Ok;
    });
}
