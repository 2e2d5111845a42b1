using System.Security.Claims;
using Coordination.Silo.Common;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Coordination.Api.Identity;

/// <summary>
/// A token of the city's OpenID Connect provider, read as a person of the platform: the role and the
/// jurisdiction come from configured claims (an identity provider's own <c>scope</c> claim lists OAuth
/// scopes, not a ward), the principal from <c>preferred_username</c> (else <c>sub</c>).
/// </summary>
public static class ExternalClaims
{
    /// <summary>Roles a person may hold; a token with any other role is refused at authentication.</summary>
    public static readonly string[] PeopleRoles =
        [Actor.CentreCoordinator, Actor.CaseWorker, Actor.Auditor, Actor.WardViceChair, Actor.WardOfficer, Actor.AgencyLiaison];

    /// <summary>The platform principal of an external token, or null when it lacks a known role, a scope or a user.</summary>
    public static ClaimsPrincipal? Map(ClaimsPrincipal external, string roleClaim, string scopeClaim)
    {
        var role = external.FindFirst(roleClaim)?.Value;
        var scope = external.FindFirst(scopeClaim)?.Value;
        var user = external.FindFirst("preferred_username")?.Value ?? external.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (role is null || !PeopleRoles.Contains(role) || string.IsNullOrWhiteSpace(scope) || string.IsNullOrWhiteSpace(user)
            || !(scope == "city" || scope.StartsWith("wards/", StringComparison.Ordinal) || scope.StartsWith("agencies/", StringComparison.Ordinal)))
        {
            return null;
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(JwtRegisteredClaimNames.Sub, "users/" + user),
            new Claim(TokenIssuer.NameClaim, external.FindFirst("name")?.Value ?? user),
            new Claim(TokenIssuer.RoleClaim, role),
            new Claim(TokenIssuer.ScopeClaim, scope),
        ], "oidc");
        return new ClaimsPrincipal(identity);
    }
}
