using Coordination.Api.Accounts;
using Coordination.Api.Audit;
using Coordination.Silo.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Api.Identity;

/// <summary>
/// What the platform checks of its own tokens after the signature, issuer, audience and lifetime
/// (every call, cached validations included): a known role, a key that still verifies, not revoked,
/// and for a sign-in's token a live session. A call refused at authentication is audited.
/// </summary>
public static class TokenChecks
{
    /// <summary>Outcome recorded for a refused authentication.</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";

    /// <summary>JwtBearerEvents.OnTokenValidated of the platform's own scheme.</summary>
    public static async Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        // A token whose role the platform does not know (a typo, a role of another system, the
        // platform's own SYSTEM) is no credential at all: UNAUTHENTICATED, not a denial later.
        var role = context.Principal?.FindFirst(TokenIssuer.RoleClaim)?.Value;
        if (role is null || !(ExternalClaims.PeopleRoles.Contains(role) || role == Actor.AgencySystem))
        {
            context.Fail("ROLE_UNKNOWN: the token's role is not one of the platform's roles.");
            return;
        }
        var services = context.HttpContext.RequestServices;
        var principal = context.Principal!.FindFirst(JwtRegisteredClaimNames.Sub)?.Value ?? "";
        if (context.SecurityToken is JsonWebToken jwt)
        {
            // Checked here too, not only when the signature is checked: the validation cache may
            // remember a token whose key has retired since.
            if (jwt.Kid is { Length: > 0 } kid && !services.GetRequiredService<SigningKeys>().Verifies(kid))
            {
                context.Fail("KEY_RETIRED: the token's signing key is retired.");
                return;
            }
            var issuedAt = jwt.IssuedAt == DateTime.MinValue ? DateTimeOffset.MinValue : new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero);
            if (services.GetRequiredService<TokenRevocations>().IsRevoked(jwt.Id, principal, issuedAt))
            {
                context.Fail("TOKEN_REVOKED: the token was revoked.");
                return;
            }
        }
        // A sign-in token names its session: refused once the session ended (sign-out, disabling,
        // reset, another password change), on every host. Tokens without a session (agency
        // systems, issued credentials) are not affected.
        if (context.Principal.FindFirst(AccountManager.SessionClaim)?.Value is not { } sid)
        {
            return;
        }
        var sessions = services.GetRequiredService<SessionRegistry>();
        if (!Guid.TryParse(sid, out var session) || !await sessions.IsLiveAsync(session, principal, context.HttpContext.RequestAborted))
        {
            context.Fail("SESSION_ENDED: the session of this token has ended.");
        }
    }

    /// <summary>JwtBearerEvents.OnChallenge: a call refused for want of a valid credential is audited, with why (never the token).</summary>
    public static async Task OnChallengeAsync(JwtBearerChallengeContext context)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var reason = context.AuthenticateFailure is { } failure ? Reason(failure) : "NO_CREDENTIAL";
        var from = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await services.GetRequiredService<AuditLog>().AppendAsync(
            new AuditRecord(now, "anonymous", "", "", http.Request.Path.Value?.TrimStart('/') ?? "", "", Unauthenticated, $"{reason}, from {from}"));
    }

    /// <summary>A short reason code for a validation failure, with its message (IdentityModel hides personal data in its messages).</summary>
    public static string Reason(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "TOKEN_EXPIRED",
        SecurityTokenNotYetValidException => "TOKEN_NOT_YET_VALID",
        SecurityTokenInvalidIssuerException => "WRONG_ISSUER",
        SecurityTokenInvalidAudienceException => "WRONG_AUDIENCE",
        SecurityTokenInvalidAlgorithmException => "ALGORITHM_REFUSED",
        SecurityTokenSignatureKeyNotFoundException => "KEY_UNKNOWN_OR_RETIRED",
        SecurityTokenInvalidSignatureException => "BAD_SIGNATURE",
        SecurityTokenMalformedException => "MALFORMED",
        SecurityTokenNoExpirationException => "NO_EXPIRY",
        // context.Fail(...) above: the message starts with its code.
        AuthenticationFailureException e => e.Message,
        _ => failure.GetType().Name + ": " + failure.Message,
    };
}
