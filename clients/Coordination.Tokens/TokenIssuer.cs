using System.Security.Claims;
using Coordination.Silo.Common;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Tokens;

/// <summary>A token just issued: the JWT, its id (<c>jti</c>), its expiry and the key that signed it.</summary>
public sealed record IssuedToken(string Token, string Id, DateTimeOffset ExpireTime, string KeyId);

/// <summary>
/// Issues the platform's own bearer tokens (JWT, ES256) for people and agency systems, signed by the
/// key ring's signing key (or one fixed key). A token never outlives what its key promises
/// (<see cref="RingKey.MaxTokenLifetime"/>): that promise is what lets old keys retire.
/// </summary>
public sealed class TokenIssuer
{
    private readonly Func<DateTimeOffset, RingKey?> _signing;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;

    /// <summary>An issuer signing with the ring <paramref name="ring"/> returns at the time of each token.</summary>
    public TokenIssuer(Func<KeyRing> ring, string issuer, string audience, TimeProvider time)
        : this(now => ring().Signing(now), issuer, audience, time)
    {
    }

    /// <summary>An issuer signing with one fixed <paramref name="key"/> (no lifetime limit; tests and tools).</summary>
    public TokenIssuer(ECDsaSecurityKey key, string issuer, string audience, TimeProvider time)
        : this(_ => new RingKey(key.KeyId ?? "", DateTimeOffset.MinValue, DateTimeOffset.MinValue, TimeSpan.MaxValue, null, false, key), issuer, audience, time)
    {
    }

    private TokenIssuer(Func<DateTimeOffset, RingKey?> signing, string issuer, string audience, TimeProvider time)
    {
        _signing = signing;
        _issuer = issuer;
        _audience = audience;
        _time = time;
    }

    /// <summary>An issuer over the key ring folder of <paramref name="settings"/>, re-read for every token (tools and tests).</summary>
    public static TokenIssuer FromDirectory(TokenSettings settings, TimeProvider time) =>
        new(() => KeyRingDirectory.Load(settings.SigningKeysPath), settings.Issuer, settings.Audience, time);

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
    public string Issue(Actor actor, TimeSpan lifetime, IEnumerable<Claim>? extraClaims = null) => IssueToken(actor, lifetime, extraClaims).Token;

    /// <summary>As <see cref="Issue"/>, with the token's id and expiry.</summary>
    /// <exception cref="InvalidOperationException">No key signs now.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is longer than the signing key allows.</exception>
    public IssuedToken IssueToken(Actor actor, TimeSpan lifetime, IEnumerable<Claim>? extraClaims = null)
    {
        var nowOffset = _time.GetUtcNow();
        var key = _signing(nowOffset) ?? throw new InvalidOperationException(
            "No signing key signs now: add one with 'coord key rotate' / chưa có khóa ký nào đang hiệu lực: thêm bằng 'coord key rotate'.");
        if (lifetime > key.MaxTokenLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime,
                $"The signing key {key.KeyId} signs tokens of at most {key.MaxTokenLifetime.TotalDays:0.##} days / khóa ký chỉ cấp mã có hạn tối đa {key.MaxTokenLifetime.TotalDays:0.##} ngày.");
        }
        // Whole seconds, as the token carries them.
        var now = DateTimeOffset.FromUnixTimeSeconds(nowOffset.ToUnixTimeSeconds()).UtcDateTime;
        var id = Guid.NewGuid().ToString("N");
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, actor.Principal),
                new Claim(NameClaim, actor.DisplayName),
                new Claim(RoleClaim, actor.Role),
                new Claim(ScopeClaim, actor.Scope),
                new Claim(JwtRegisteredClaimNames.Jti, id),
                .. extraClaims ?? [],
            ]),
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.EcdsaSha256),
        });
        return new IssuedToken(token, id, new DateTimeOffset(now + lifetime, TimeSpan.Zero), key.KeyId);
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
