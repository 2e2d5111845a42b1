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

/// <summary>Where the signing keys are, and the issuer and audience tokens name (configuration, as the host reads it).</summary>
public static class Keys
{
    /// <summary>The token settings of the local platform, with the key ring at <paramref name="keysPath"/> when given.</summary>
    public static TokenSettings Settings(string? keysPath)
    {
        var settings = TokenSettings.FromEnvironment(PlatformSettings.DataDirectory);
        return keysPath is { Length: > 0 } ? new TokenSettings { Issuer = settings.Issuer, Audience = settings.Audience, SigningKeysPath = keysPath, LegacyKeyPath = settings.LegacyKeyPath } : settings;
    }

    /// <summary>The issuer signing with the ring at <paramref name="keysPath"/> (default: $COORD_SIGNING_KEYS, else $COORD_DATA_DIR/keys).</summary>
    public static TokenIssuer Issuer(string? keysPath)
    {
        var settings = Settings(keysPath);
        if (KeyRingDirectory.Load(settings.SigningKeysPath).Signing(TimeProvider.System.GetUtcNow()) is null)
        {
            throw new CliException(ExitCodes.Unreachable,
                $"No signing key in {settings.SigningKeysPath}: start the platform once (./run.sh), run 'coord key rotate', or pass --keys / chưa có khóa ký.");
        }
        return TokenIssuer.FromDirectory(settings, TimeProvider.System);
    }

    /// <summary>Issues a token, with the key's lifetime limit as a usage error.</summary>
    public static IssuedToken Issue(TokenIssuer issuer, Actor actor, TimeSpan lifetime)
    {
        try
        {
            return issuer.IssueToken(actor, lifetime);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message.Split(" (Parameter", 2)[0]);
        }
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

        /// <summary>Key ring.</summary>
        [CommandOption("--keys <DIR>")]
        [Description("The signing key ring. Default: $COORD_SIGNING_KEYS, else $COORD_DATA_DIR/keys.")]
        public string? Keys { get; init; }

        /// <summary>Print the token id too.</summary>
        [CommandOption("--show-id")]
        [Description("Print the token's id (to revoke it) on a second line.")]
        public bool ShowId { get; init; }

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
            var issued = Keys.Issue(Keys.Issuer(settings.Keys), new Actor(settings.Principal, settings.Name, settings.Role, settings.Scope), TimeSpan.FromDays(settings.Days));
            Console.WriteLine(issued.Token);
            if (settings.ShowId)
            {
                Console.WriteLine(issued.Id);
            }
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult();
}

/// <summary><c>coord agency register</c>: an agency system in the directory (created or kept), and a new client secret.</summary>
public sealed class AgencyRegisterCommand : AsyncCommand<AgencyRegisterCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : AdminSettings
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

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            Id.Length == 0 || Name.Length == 0 || Kind.Length == 0 ? ValidationResult.Error("--id, --name and --kind are required.")
            : !Enum.TryParse<AgencyKind>(Kind.Replace("_", "", StringComparison.Ordinal), true, out _) ? ValidationResult.Error($"Unknown --kind {Kind}.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        using var client = settings.ConnectAsAdmin();
        Agency agency;
        try
        {
            agency = await client.Directory.CreateAgencyAsync(new CreateAgencyRequest
            {
                AgencyId = settings.Id,
                RequestId = "coord-cli-register-" + settings.Id,
                Agency = new Agency
                {
                    DisplayName = settings.Name, Kind = Enum.Parse<AgencyKind>(settings.Kind.Replace("_", "", StringComparison.Ordinal), true), Ward = settings.Ward,
                },
            }, client.Call(cancellationToken));
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            // Registered before: keep the entry, make a new secret.
            agency = await client.Directory.GetAgencyAsync(new GetAgencyRequest { Name = "agencies/" + settings.Id }, client.Call(cancellationToken));
        }
        await AgencySecret.PrintNewAsync(client, agency.Name, agency.DisplayName, cancellationToken);
        return ExitCodes.Ok;
    });
}

/// <summary><c>coord agency rotate-secret</c>: a new client secret; the old one stops working.</summary>
public sealed class AgencyRotateSecretCommand : AsyncCommand<AgencyRotateSecretCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : AdminSettings
    {
        /// <summary>Agency.</summary>
        [CommandOption("--agency <AGENCY>")]
        [Description("agencies/{id}. Required.")]
        public string Agency { get; init; } = "";

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            !Agency.StartsWith("agencies/", StringComparison.Ordinal) ? ValidationResult.Error("--agency agencies/{id} is required.") : base.Validate();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        using var client = settings.ConnectAsAdmin();
        var agency = await client.Directory.GetAgencyAsync(new GetAgencyRequest { Name = settings.Agency }, client.Call(cancellationToken));
        await AgencySecret.PrintNewAsync(client, agency.Name, agency.DisplayName, cancellationToken);
        return ExitCodes.Ok;
    });
}

/// <summary><c>coord token revoke</c>: one token by id, or every token of a principal so far.</summary>
public sealed class TokenRevokeCommand : AsyncCommand<TokenRevokeCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : AdminSettings
    {
        /// <summary>Token id.</summary>
        [CommandOption("--id <JTI>")]
        [Description("The token's id (claim jti; 'coord token issue --show-id' prints it, the audit trail names it).")]
        public string Id { get; init; } = "";

        /// <summary>Principal.</summary>
        [CommandOption("--principal <PRINCIPAL>")]
        [Description("users/{id} or agencies/{id}: every token issued to it until now (an agency's client secret is deleted too).")]
        public string Principal { get; init; } = "";

        /// <summary>Reason.</summary>
        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the audit trail. Required.")]
        public string Reason { get; init; } = "";

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            (Id.Length > 0) == (Principal.Length > 0) ? ValidationResult.Error("Give exactly one of --id and --principal.")
            : Reason.Length == 0 ? ValidationResult.Error("--reason is required.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => Run.Guarded(async () =>
    {
        using var client = settings.ConnectAsAdmin();
        await client.Tokens.RevokeTokenAsync(new RevokeTokenRequest
        {
            TokenId = settings.Id, Principal = settings.Principal, Reason = settings.Reason, RequestId = Guid.NewGuid().ToString(),
        }, client.Call(cancellationToken));
        Console.WriteLine(settings.Id.Length > 0
            ? $"Revoked token {settings.Id}; every host refuses it within 10 s / đã thu hồi mã."
            : $"Revoked every token of {settings.Principal} issued until now; every host refuses them within 10 s / đã thu hồi mọi mã.");
        return ExitCodes.Ok;
    });
}

/// <summary>Options of commands a coordinator runs: with the signing keys at hand, coord signs itself a 5-minute coordinator token.</summary>
public class AdminSettings : PlatformSettings
{
    /// <summary>Key ring.</summary>
    [CommandOption("--keys <DIR>")]
    [Description("The signing key ring, to call as a coordinator when no --token is given. Default: $COORD_SIGNING_KEYS, else $COORD_DATA_DIR/keys.")]
    public string? Keys { get; init; }

    /// <summary>A client calling as a coordinator: --token/COORD_TOKEN when given, else a short token signed with the ring.</summary>
    public Client.CoordinationClient ConnectAsAdmin()
    {
        var admin = Token is null && Environment.GetEnvironmentVariable("COORD_TOKEN") is null or ""
            ? Commands.Keys.Issuer(Keys).Issue(new Actor("users/coord-cli", "coord CLI", Actor.CentreCoordinator, "city"), TimeSpan.FromMinutes(5))
            : ResolveToken();
        return new Client.CoordinationClient(new Client.CoordinationClientOptions
        {
            Address = new Uri(Target),
            Token = _ => ValueTask.FromResult(admin),
        });
    }
}

/// <summary>Makes and prints an agency's new client secret.</summary>
public static class AgencySecret
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Rotates the secret of <paramref name="agency"/> and prints the client id and the secret (shown this once).</summary>
    public static async Task PrintNewAsync(Client.CoordinationClient client, string agency, string displayName, CancellationToken ct)
    {
        var secret = await client.Tokens.RotateClientSecretAsync(new RotateClientSecretRequest { Agency = agency, RequestId = Guid.NewGuid().ToString() }, client.Call(ct));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            agency,
            displayName,
            role = Actor.AgencySystem,
            clientId = secret.ClientId,
            clientSecret = secret.ClientSecret,
            note = "Shown once: store the secret safely; exchange it for a token of at most 1 hour with TokenService.CreateToken / chỉ hiển thị một lần.",
        }, Json));
    }
}
