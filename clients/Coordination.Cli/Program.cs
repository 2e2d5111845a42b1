using System.Text.Json;
using Coordination.Tokens;
using Coordination.Client;
using Coordination.Silo.Common;
using Coordination.V1;
using Actor = Coordination.Silo.Common.Actor;

// coord token issue   --principal users/x --name "Nguyễn Văn A" --role WARD_OFFICER --scope wards/hai-chau-1 [--days 30] [--key .data/signing-key.pem]
// coord agency register --id hai-chau-1-school --name "Trường Tiểu học ..." --kind EDUCATION [--ward wards/hai-chau-1]
//                       [--target http://127.0.0.1:5080] [--days 365] [--key .data/signing-key.pem]
var usage = """
    coord token issue --principal users/ID --name NAME --role ROLE --scope SCOPE [--days 30] [--key .data/signing-key.pem]
        ROLE: CENTRE_COORDINATOR, CASE_WORKER, AUDITOR (scope city), WARD_VICE_CHAIR, WARD_OFFICER (scope wards/ID),
              AGENCY_SYSTEM, AGENCY_LIAISON (scope agencies/ID)
    coord agency register --id ID --name NAME --kind KIND [--ward wards/ID] [--target http://127.0.0.1:5080] [--days 365] [--key .data/signing-key.pem]
        registers an agency system in the directory and prints its credential (a token with role AGENCY_SYSTEM)
    """;
if (args.Length < 2)
{
    Console.Error.WriteLine(usage);
    return 2;
}
var options = new Dictionary<string, string>();
for (var i = 2; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
string Opt(string name, string? fallback = null) =>
    options.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required.\n{usage}");

try
{
    var keyPath = Opt("key", Path.Combine(Environment.GetEnvironmentVariable("COORD_DATA_DIR") ?? ".data", "signing-key.pem"));
    if (!File.Exists(keyPath))
    {
        Console.Error.WriteLine($"coord: no signing key at {keyPath}: start the platform once (./run.sh) or pass --key.");
        return 2;
    }
    var issuer = new TokenIssuer(SigningKey.LoadOrCreate(keyPath), "coordination-platform", "coordination-api", TimeProvider.System);
    switch ((args[0], args[1]))
    {
        case ("token", "issue"):
        {
            var actor = new Actor(Opt("principal"), Opt("name"), Opt("role"), Opt("scope"));
            Console.WriteLine(issuer.Issue(actor, TimeSpan.FromDays(int.Parse(Opt("days", "30"), System.Globalization.CultureInfo.InvariantCulture))));
            return 0;
        }
        case ("agency", "register"):
        {
            var id = Opt("id");
            var admin = issuer.Issue(new Actor("users/coord-cli", "coord CLI", Actor.CentreCoordinator, "city"), TimeSpan.FromMinutes(5));
            using var client = new CoordinationClient(new CoordinationClientOptions
            {
                Address = new Uri(Opt("target", "http://127.0.0.1:5080")),
                Token = _ => ValueTask.FromResult(admin),
            });
            var kind = Enum.Parse<AgencyKind>(Opt("kind").Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
            var agency = await client.Directory.CreateAgencyAsync(new CreateAgencyRequest
            {
                AgencyId = id,
                RequestId = "coord-cli-register-" + id,
                Agency = new Agency { DisplayName = Opt("name"), Kind = kind, Ward = Opt("ward", "") },
            }, client.Call());
            var token = issuer.Issue(new Actor(agency.Name, agency.DisplayName, Actor.AgencySystem, agency.Name),
                TimeSpan.FromDays(int.Parse(Opt("days", "365"), System.Globalization.CultureInfo.InvariantCulture)));
            Console.WriteLine(JsonSerializer.Serialize(new { agency = agency.Name, displayName = agency.DisplayName, role = Actor.AgencySystem, scope = agency.Name, token },
                new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        }
        default:
            Console.Error.WriteLine(usage);
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("coord: " + e.Message);
    return 2;
}
catch (Grpc.Core.RpcException e)
{
    Console.Error.WriteLine($"coord: the platform refused: {e.StatusCode}: {e.Status.Detail}");
    return 1;
}
