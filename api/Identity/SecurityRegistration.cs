using Coordination.Api.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
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
        var keysPath = security.SigningKeysPath.Length > 0 ? security.SigningKeysPath : Path.Combine(dataDirectory, TokenSettings.KeysFolder);
        var legacyPath = security.SigningKeyPath.Length > 0 ? security.SigningKeyPath : Path.Combine(dataDirectory, TokenSettings.LegacyKeyFile);
        // First start: the legacy key (if any) joins the ring, else a first key is made.
        var ring = KeyRingDirectory.Ensure(keysPath, legacyPath, TimeProvider.System.GetUtcNow());
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.PersonTokenLifetime > TimeSpan.Zero && o.PersonTokenLifetime <= SecurityOptions.MaxPersonTokenLifetime,
                "Security:PersonTokenLifetime must be more than 0 and at most 12 hours")
            .Validate(o => o.AgencyTokenLifetime > TimeSpan.Zero && o.AgencyTokenLifetime <= SecurityOptions.MaxAgencyTokenLifetime,
                "Security:AgencyTokenLifetime must be more than 0 and at most 1 hour")
            .Validate(o => o.KeyRefresh > TimeSpan.Zero && o.KeyRefresh <= SecurityOptions.MaxKeyRefresh,
                "Security:KeyRefresh must be positive and at most 5 s (a rotation reaches every host within 10 s)")
            .Validate(o => o.TokenRequestsPerClientBurst >= 1 && o.TokenRequestsPerClientPerMinute >= 1 && o.TokenRequestsPerAddressBurst >= 1 && o.TokenRequestsPerAddressPerMinute >= 1,
                "Security:TokenRequestsPer* must be at least 1")
            .Validate(o => o.MaxTokenBytes >= 1024, "Security:MaxTokenBytes must be at least 1024")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new SigningKeys(keysPath, sp.GetRequiredService<IOptions<SecurityOptions>>(), TimeProvider.System, sp.GetRequiredService<ILogger<SigningKeys>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SigningKeys>());
        builder.Services.AddSingleton(sp =>
        {
            var keys = sp.GetRequiredService<SigningKeys>();
            return new TokenIssuer(() => keys.Ring, security.Issuer, security.Audience, TimeProvider.System);
        });
        // Kept answers of account changes are sealed under a key derived from the ring's first key (the
        // legacy key where there was one): stable across rotations, so a retry still opens its answer.
        builder.Services.AddSingleton(new OneTimePasswords(ring.Oldest!.Key));
        builder.Services.AddSingleton<TokenRevocations>();
        builder.Services.AddSingleton<CredentialStore>();
        builder.Services.AddSingleton<TokenExchangeLimiter>();
        builder.Services.AddSingleton<AgencyCredentials>();
        var schemes = new List<string> { JwtBearerDefaults.AuthenticationScheme };
        var authentication = builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties: not storing it saves
                // a dictionary and a formatted expiry per call.
                o.SaveToken = false;
                o.TokenHandlers.Clear();
                // A token longer than any the platform issues is refused before it is parsed.
                o.TokenHandlers.Add(new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false, MaximumTokenSizeInBytes = security.MaxTokenBytes });
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = security.Issuer,
                    ValidAudience = security.Audience,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = KeyRing.ClockSkew,
                };
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = TokenChecks.OnTokenValidatedAsync,
                    OnChallenge = TokenChecks.OnChallengeAsync,
                };
            });
        // The ring's keys, looked up by the token's kid (a retired or unknown key verifies nothing).
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((o, keys) =>
            o.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, kid, _) => keys.Resolve(kid));
        if (security.ExternalAuthority.Length > 0)
    {
            // An external OpenID Connect issuer (e.g. the city's identity provider): signing keys come
            // from its discovery document; issuer, audience and lifetime are validated as for our own.
            authentication.AddJwtBearer("oidc", o =>
            {
                o.MapInboundClaims = false;
                o.SaveToken = false;
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
