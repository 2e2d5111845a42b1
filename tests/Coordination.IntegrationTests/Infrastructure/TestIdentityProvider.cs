using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal OpenID Connect provider (authorization code flow, RS256, discovery and JWKS) standing in
/// for a city's identity provider: it signs in whoever <see cref="Person"/> says, at once. Real HTTP
/// on a loopback port, so the console and the platform talk to it exactly as to a real one.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, (string ClientId, string Nonce, IdentityPerson Person)> _codes = new();

    private TestIdentityProvider(WebApplication app, int port)
    {
        _app = app;
        Authority = $"http://127.0.0.1:{port}";
    }

    /// <summary>The issuer and authority.</summary>
    public string Authority { get; }

    /// <summary>Audience of the access tokens (the platform's COORD_OIDC_AUDIENCE).</summary>
    public const string ApiAudience = "coordination-api-external";

    /// <summary>Who signs in next.</summary>
    public IdentityPerson Person { get; set; } = new("lan.nguyen", "Nguyễn Thị Lan", "WARD_OFFICER", "wards/hai-chau-1");

    /// <summary>Starts the provider on a free loopback port.</summary>
    public static async Task<TestIdentityProvider> StartAsync()
    {
        var port = PlatformHost.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var provider = new TestIdentityProvider(app, port);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Authority,
            ["authorization_endpoint"] = provider.Authority + "/authorize",
            ["token_endpoint"] = provider.Authority + "/token",
            ["jwks_uri"] = provider.Authority + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(provider._key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpContext http) =>
        {
            var q = http.Request.Query;
            var code = Guid.NewGuid().ToString("N");
            provider._codes[code] = (q["client_id"].ToString(), q["nonce"].ToString(), provider.Person);
            var redirect = $"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}";
            return Results.Redirect(redirect);
        });
        app.MapPost("/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (!provider._codes.TryRemove(form["code"].ToString(), out var grant))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            return Results.Json(new
            {
                access_token = provider.Token(grant.Person, ApiAudience, null),
                id_token = provider.Token(grant.Person, grant.ClientId, grant.Nonce),
                token_type = "Bearer",
                expires_in = 3600,
            });
        });
        await app.StartAsync();
        return provider;
    }

    /// <summary>An access token for the platform (audience <see cref="ApiAudience"/>), as the provider gives the console.</summary>
    public string AccessToken(IdentityPerson p) => Token(p, ApiAudience, null);

    private string Token(IdentityPerson p, string audience, string? nonce)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "idp-" + p.Username,
            ["preferred_username"] = p.Username,
            ["name"] = p.DisplayName,
            ["role"] = p.Role,
            ["coord_scope"] = p.Scope,
            ["scope"] = "openid profile",
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A person as the identity provider knows them.</summary>
public sealed record IdentityPerson(string Username, string DisplayName, string Role, string Scope);
