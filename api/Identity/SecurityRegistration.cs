using Coordination.Api.Accounts;
using Coordination.Silo.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Api.Identity;

/// <summary>Registration of authentication, authorization and accounts, called from Program.cs.</summary>
public static class SecurityRegistration
{
    /// <summary>Token validation (own keys, an external OIDC issuer, client certificates) and the default policy (section <c>Security</c>).</summary>
    public static WebApplicationBuilder AddPlatformSecurity(this WebApplicationBuilder builder)
    {
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new();
        var dataDirectory = builder.Configuration["Demo:DataDirectory"] ?? ".data";
        var keyPath = security.SigningKeyPath.Length > 0 ? security.SigningKeyPath : Path.Combine(dataDirectory, "signing-key.pem");
        var key = SigningKey.LoadOrCreate(keyPath);
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.PersonTokenLifetime > TimeSpan.Zero && o.PersonTokenLifetime <= SecurityOptions.MaxPersonTokenLifetime,
                "Security:PersonTokenLifetime must be more than 0 and at most 12 hours")
            .ValidateOnStart();
        builder.Services.AddSingleton(new TokenIssuer(key, security.Issuer, security.Audience, TimeProvider.System));
        builder.Services.AddSingleton(new OneTimePasswords(key));
        var schemes = new List<string> { JwtBearerDefaults.AuthenticationScheme };
        var authentication = builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenHandlers.Clear();
                o.TokenHandlers.Add(new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false });
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = security.Issuer,
                    ValidAudience = security.Audience,
                    IssuerSigningKey = key,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                // A sign-in token names its session: refused once the session ended (sign-out, disabling,
                // reset, another password change), on every host. Tokens without a session (agency
                // systems, issued credentials) are not affected.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = async context =>
                    {
                        // A token whose role the platform does not know (a typo, a role of another system,
                        // the platform's own SYSTEM) is no credential at all: UNAUTHENTICATED, not a denial later.
                        var role = context.Principal?.FindFirst(Coordination.Tokens.TokenIssuer.RoleClaim)?.Value;
                        if (role is null || !(ExternalClaims.PeopleRoles.Contains(role) || role == Actor.AgencySystem))
                        {
                            context.Fail("The token's role is not one of the platform's roles.");
                            return;
                        }
                        if (context.Principal?.FindFirst(AccountManager.SessionClaim)?.Value is not { } sid)
                        {
                            return;
                        }
                        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionRegistry>();
                        var principal = context.Principal.FindFirst(Microsoft.IdentityModel.JsonWebTokens.JwtRegisteredClaimNames.Sub)?.Value ?? "";
                        if (!Guid.TryParse(sid, out var session) || !await sessions.IsLiveAsync(session, principal, context.HttpContext.RequestAborted))
                        {
                            context.Fail("The session of this token has ended.");
                        }
                    },
                };
            });
        if (security.ExternalAuthority.Length > 0)
    {
            // An external OpenID Connect issuer (e.g. the city's identity provider): signing keys come
            // from its discovery document; issuer, audience and lifetime are validated as for our own.
            authentication.AddJwtBearer("oidc", o =>
            {
                o.MapInboundClaims = false;
                o.Authority = security.ExternalAuthority;
                o.RequireHttpsMetadata = security.ExternalAuthority.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
                o.Audience = security.ExternalAudience.Length > 0 ? security.ExternalAudience : security.Audience;
                // The provider's claims name the role and the jurisdiction (COORD_OIDC_ROLE_CLAIM,
                // COORD_OIDC_SCOPE_CLAIM); a token without a known role and a scope is refused.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (ExternalClaims.Map(context.Principal!, security.ExternalRoleClaim, security.ExternalScopeClaim) is { } person)
                        {
                            context.Principal = person;
                        }
                        else
                        {
                            context.Fail("The identity provider's token names no known role and jurisdiction.");
                        }
                        return Task.CompletedTask;
                    },
                };
            });
            schemes.Add("oidc");
        }
        var certificates = security.ClientCertificatesPath.Length > 0 ? security.ClientCertificatesPath : Path.Combine(dataDirectory, "client-certificates.json");
        builder.Services.AddSingleton(new ClientCertificateMap(certificates));
        authentication.AddScheme<AuthenticationSchemeOptions, ClientCertificateAuthentication>(ClientCertificateAuthentication.SchemeName, _ => { });
        schemes.Add(ClientCertificateAuthentication.SchemeName);
        // Authentication handlers are created per request; registered here, DI builds them with a compiled
        // factory instead of ActivatorUtilities' per-call reflection (seen in a CPU trace under load).
        builder.Services.AddTransient<JwtBearerHandler>();
        builder.Services.AddTransient<ClientCertificateAuthentication>();
        builder.Services.AddAuthorization(o => o.DefaultPolicy = new AuthorizationPolicyBuilder([.. schemes]).RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>People's accounts, sign-in sessions and their revocation (section <c>Accounts</c>).</summary>
    public static WebApplicationBuilder AddPlatformAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section)
            .Validate(o => o.MaxFailedSignIns >= 1 && o.LockDuration > TimeSpan.Zero, "Accounts:MaxFailedSignIns must be at least 1 and Accounts:LockDuration positive")
            .Validate(o => o.RevocationRefresh > TimeSpan.Zero && o.RevocationRefresh <= TimeSpan.FromSeconds(8),
                "Accounts:RevocationRefresh must be positive and at most 8 s (a revoked token is refused everywhere within 10 s)")
            .Validate(o => o.SignInsPerUsernameBurst >= 1 && o.SignInsPerUsernamePerMinute >= 1 && o.SignInsPerAddressBurst >= 1 && o.SignInsPerAddressPerMinute >= 1,
                "Accounts:SignInsPer* must be at least 1")
            .ValidateOnStart();
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionRegistry>());
        builder.Services.AddSingleton<SignInLimiter>();
        builder.Services.AddSingleton<AccountManager>();
        return builder;
    }
}
