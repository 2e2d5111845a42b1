using Coordination.WebConsole.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Coordination.WebConsole.Security;

/// <summary>
/// Sign-in for people: the platform's token kept in an encrypted, HttpOnly, SameSite cookie that
/// ends when the token does; optionally an OpenID Connect provider instead of passwords.
/// </summary>
public static class ConsoleAuthentication
{
    /// <summary>Name of the session cookie.</summary>
    public const string CookieName = "coord_session";

    /// <summary>Scheme of the OpenID Connect provider, when configured.</summary>
    public const string OidcScheme = "oidc";

    /// <summary>Registers cookie authentication (and OpenID Connect when <see cref="ConsoleOptions.OidcAuthority"/> is set).</summary>
    public static IServiceCollection AddConsoleAuthentication(this IServiceCollection services, ConsoleOptions options)
    {
        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: a link to a case in a message opens the case, not the sign-in page;
                // every change is a POST guarded by antiforgery.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/denied";
                o.ReturnUrlParameter = "returnUrl";
                o.SlidingExpiration = false;
                o.Events.OnValidatePrincipal = context =>
                {
                    // The token expired: the session is over, whatever the cookie says.
                    if (context.Properties.ExpiresUtc is { } expires && expires <= DateTimeOffset.UtcNow)
                    {
                        context.RejectPrincipal();
                    }
                    return Task.CompletedTask;
                };
            });
        if (options.OidcAuthority.Length > 0)
        {
            authentication.AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = options.OidcAuthority;
                o.ClientId = options.OidcClientId;
                o.ClientSecret = options.OidcClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // The code comes back on a plain redirect (no auto-submitted form, no inline script),
                // so the correlation and nonce cookies can stay SameSite=Lax.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.UsePkce = true;
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = options.OidcAuthority.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.CallbackPath = "/signin-oidc";
                o.SignedOutCallbackPath = "/signout-callback-oidc";
                o.Events.OnTokenValidated = context =>
                {
                    // The platform accepts this provider's access tokens (COORD_OIDC_AUTHORITY on the
                    // host); the console keeps it like its own token and the person's role and scope
                    // from the mapped claims.
                    var accessToken = context.TokenEndpointResponse?.AccessToken ?? "";
                    var identity = context.Principal!;
                    var role = identity.FindFirst(options.OidcRoleClaim)?.Value ?? "";
                    var scope = identity.FindFirst(options.OidcScopeClaim)?.Value ?? "";
                    if (accessToken.Length == 0 || role.Length == 0 || scope.Length == 0)
                    {
                        context.Fail("The identity provider did not give a role and a scope for this person.");
                        return Task.CompletedTask;
                    }
                    var handler = new JsonWebTokenHandler();
                    var expires = handler.CanReadToken(accessToken)
                        ? new DateTimeOffset(handler.ReadJsonWebToken(accessToken).ValidTo, TimeSpan.Zero)
                        : DateTimeOffset.UtcNow.AddHours(1);
                    var subject = identity.FindFirst("preferred_username")?.Value ?? identity.FindFirst("sub")?.Value ?? "";
                    context.Principal = Session.Principal(accessToken, "users/" + subject,
                        identity.FindFirst("name")?.Value ?? subject, role, scope, "vi", mustChangePassword: false, method: OidcScheme);
                    context.Properties!.ExpiresUtc = expires;
                    context.Properties.IsPersistent = false;
                    return Task.CompletedTask;
                };
            });
        }
        return services;
    }

    /// <summary>Maps <c>GET /signin/oidc</c>: sends the person to the identity provider, then back to <c>returnUrl</c>.</summary>
    public static IEndpointRouteBuilder MapOidcSignIn(this IEndpointRouteBuilder app, ConsoleOptions options)
    {
        if (options.OidcAuthority.Length > 0)
        {
            app.MapGet("/signin/oidc", (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = returnUrl is { Length: > 1 } u && u[0] == '/' && u[1] != '/' && u[1] != '\\' ? u : "/" },
                [OidcScheme]));
        }
        return app;
    }
}
