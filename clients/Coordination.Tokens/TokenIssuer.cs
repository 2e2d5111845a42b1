using System.Security.Claims;
using Coordination.Silo.Common;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Tokens;

/// <summary>Issues the platform's own bearer tokens (JWT, ES256) for people and agency systems.</summary>
public sealed class TokenIssuer(ECDsaSecurityKey key, string issuer, string audience, TimeProvider time)
{
    /// <summary>Claim carrying the role, e.g. WARD_OFFICER.</summary>
    public const string RoleClaim = "role";

    /// <summary>Claim carrying the jurisdiction: city, wards/{ward} or agencies/{agency}.</summary>
    public const string ScopeClaim = "scope";

    /// <summary>Claim carrying the display name.</summary>
    public const string NameClaim = "name";

    /// <summary>
    /// A signed token for <paramref name="actor"/>, valid for <paramref name="lifetime"/>, with
    /// <paramref name="extraClaims"/> (e.g. a sign-in's session id) added.
    /// </summary>
    public string Issue(Actor actor, TimeSpan lifetime, IEnumerable<Claim>? extraClaims = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, actor.Principal),
                new Claim(NameClaim, actor.DisplayName),
                new Claim(RoleClaim, actor.Role),
                new Claim(ScopeClaim, actor.Scope),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
                .. extraClaims ?? [],
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>The actor a validated principal stands for, or null when a claim is missing.</summary>
    public static Actor? ActorOf(ClaimsPrincipal user)
    {
        var sub = user.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var role = user.FindFirst(RoleClaim)?.Value;
        var scope = user.FindFirst(ScopeClaim)?.Value;
        return string.IsNullOrEmpty(sub) || string.IsNullOrEmpty(role) || string.IsNullOrEmpty(scope)
            ? null
            : new Actor(sub, user.FindFirst(NameClaim)?.Value ?? "", role, scope);
    }
}
