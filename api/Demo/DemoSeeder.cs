using System.Text.Encodings.Web;
using System.Text.Json;
using Coordination.Api.Accounts;
using Coordination.Api.Hosting;
using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Api.Demo;

/// <summary>
/// On the first start against a database, defines the demo directory through the grains (so it is
/// persisted exactly as any other change), records that in <c>app_seeds</c>, and writes the demo
/// credentials file. Later starts only rewrite the credentials file: a user's change to a seeded
/// agency is never overwritten by a restart.
/// </summary>
public sealed partial class DemoSeeder(
    IGrainFactory grains,
    NpgsqlDataSource db,
    IOptions<DemoOptions> demo,
    IOptions<HostingOptions> hosting,
    IOptions<SecurityOptions> security,
    TokenIssuer tokens,
    AccountManager accounts,
    CredentialStore credentials,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : IHostedService
{
    private const string SeedName = "demo-directory-v1";
    // Accounts have a seed of their own: databases seeded before accounts existed get them too.
    private const string AccountsSeedName = "demo-accounts-v1";
    // The service catalogue came later still: databases seeded before it get it too.
    private const string ServicesSeedName = "demo-services-v1";

    /// <summary>Name of the credentials file in the data folder.</summary>
    public const string CredentialsFile = "dev-credentials.json";

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!demo.Value.Seed)
        {
            return;
        }
        if (!await AlreadySeededAsync(SeedName, cancellationToken))
        {
            await SeedAsync();
            await MarkSeededAsync(SeedName, cancellationToken);
            LogSeeded(logger, DemoDirectory.Wards.Length);
        }
        if (!await AlreadySeededAsync(ServicesSeedName, cancellationToken))
        {
            // Only agencies still in the directory (a coordinator may have re-imported it since).
            await Task.WhenAll(DemoDirectory.Services().GroupBy(s => s.AgencyId).Select(async catalogue =>
            {
                var agency = grains.GetGrain<IAgencyGrain>(catalogue.Key);
                if (await agency.Get() is not null)
                {
                    foreach (var (_, service, profile) in catalogue)
                    {
                        await agency.DefineService(service, profile);
                    }
                }
            }));
            await MarkSeededAsync(ServicesSeedName, cancellationToken);
        }
        var people = DemoDirectory.People().ToList();
        var passwords = DemoPasswords.LoadOrCreate(demo.Value.DataDirectory, people.Select(p => p.Id));
        if (!await AlreadySeededAsync(AccountsSeedName, cancellationToken))
        {
            // Demo convenience: the passwords are not one-time (no change required at first sign-in).
            var created = await accounts.SeedAsync(
                [.. people.Select(p => (new AccountRecord(p.Id, p.DisplayName, p.Role, p.Scope, true, "vi", false, 0, null, null, default, default, 1), passwords[p.Id]))],
                cancellationToken);
            await MarkSeededAsync(AccountsSeedName, cancellationToken);
            LogAccountsSeeded(logger, created);
        }
        // Demo agency systems get a client secret at every start (the file shows it; only its hash is stored).
        var secrets = DemoDirectory.Agencies().ToDictionary(a => "agencies/" + a.Id, _ => AgencyCredentials.NewSecret());
        var now = time.GetUtcNow();
        await credentials.SetClientSecretsAsync([.. secrets.Select(s => (s.Key, AgencyCredentials.Hash(s.Value)))], now,
            new Audit.AuditRecord(now, Actor.Platform.Principal, Actor.Platform.Role, Actor.Platform.Scope, "demo/seed", "agencies", "OK", $"CLIENT_SECRETS_ROTATED: {secrets.Count} demo agencies"));
        var path = WriteCredentials(passwords, secrets);
        LogCredentials(logger, path);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool> AlreadySeededAsync(string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select count(*) from app_seeds where name = @n");
        cmd.Parameters.AddWithValue("n", name);
        return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
    }

    private async Task MarkSeededAsync(string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("insert into app_seeds (name) values (@n) on conflict do nothing");
        cmd.Parameters.AddWithValue("n", name);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task SeedAsync()
    {
        // Wards first: agencies check that their ward exists.
        await Task.WhenAll(DemoDirectory.Wards.Select(w => grains.GetGrain<IWardGrain>(w.Id).Define(DemoDirectory.Profile(w))));
        await Task.WhenAll(DemoDirectory.Clusters.Select(c => grains.GetGrain<IClusterGrain>(c.Id).Define(
            new ClusterProfile(c.DisplayName, [.. DemoDirectory.Wards.Where(w => w.ClusterId == c.Id).Select(w => w.Id)]))));
        await Task.WhenAll(DemoDirectory.Agencies().Select(a => grains.GetGrain<IAgencyGrain>(a.Id).Define(a.Profile)));
    }

    private string WriteCredentials(IReadOnlyDictionary<string, string> passwords, Dictionary<string, string> secrets)
    {
        var users = DemoDirectory.People()
            .Select(p => Entry("users/" + p.Id, p.DisplayName, p.Role, p.Scope) with { Username = p.Id, Password = passwords[p.Id] });
        var agencies = DemoDirectory.Agencies()
            .Select(a => Entry("agencies/" + a.Id, a.Profile.DisplayName, Actor.AgencySystem, "agencies/" + a.Id) with { ClientSecret = secrets["agencies/" + a.Id] });
        var h = hosting.Value;
        var file = new CredentialsDocument(
            "Demo credentials for development only: signed tokens (JWT, ES256) of the demo people and agency systems, valid for a limited time and re-issued at every start. Send one as 'authorization: Bearer <token>'. Each person also has a username and password for AccountService.SignIn (from demo-passwords.json of this data folder, made once per folder; accounts are seeded once per database). Each agency system also has a client secret (new at every start) to exchange for a one-hour token with TokenService.CreateToken, as real agency systems do.",
            $"{(h.TlsCertificatePath.Length > 0 ? "https" : "http")}://{h.ListenAddress}:{h.GrpcPort}",
            [.. users],
            [.. agencies]);
        Directory.CreateDirectory(demo.Value.DataDirectory);
        var path = Path.GetFullPath(Path.Combine(demo.Value.DataDirectory, CredentialsFile));
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(file, JsonOptions));
        File.Move(temp, path, overwrite: true);
        return path;
    }

    private CredentialEntry Entry(string name, string displayName, string role, string scope) =>
        new(name, displayName, role, scope, tokens.Issue(new Actor(name, displayName, role, scope), security.Value.DemoTokenLifetime));

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Keep Vietnamese readable in the file instead of \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Shape of dev-credentials.json.</summary>
    public sealed record CredentialsDocument(string Note, string GrpcAddress, CredentialEntry[] Users, CredentialEntry[] Agencies);

    /// <summary>
    /// One demo principal: who, which role, which scope, the token to send, for people the username and
    /// password to sign in with, for agency systems the client secret to exchange.
    /// </summary>
    public sealed record CredentialEntry(
        string Name, string DisplayName, string Role, string Scope, string Token, string? Username = null, string? Password = null, string? ClientSecret = null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo directory ({WardCount} wards)")]
    private static partial void LogSeeded(ILogger logger, int wardCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} demo accounts")]
    private static partial void LogAccountsSeeded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo credentials written to {Path}")]
    private static partial void LogCredentials(ILogger logger, string path);
}
