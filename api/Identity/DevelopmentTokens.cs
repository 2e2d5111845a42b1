using System.Text;
using System.Text.Json;
using Coordination.Silo.Common;
using Grpc.Core;

namespace Coordination.Api.Identity;

/// <summary>
/// Caller identity until signed tokens land: a bearer token <c>dev.{base64url(JSON claims)}</c>
/// carrying the principal, name, role and scope — the same claims a signed JWT will carry. They are
/// NOT verified: development only. A call without a token acts as a development coordinator.
/// </summary>
public static class DevelopmentTokens
{
    private const string Prefix = "dev.";

    /// <summary>Identity used when a call carries no token (development only).</summary>
    public static Actor Anonymous { get; } = new("users/developer", "Developer", Actor.CentreCoordinator, "city");

    /// <summary>Issues the token for <paramref name="actor"/>.</summary>
    public static string Issue(Actor actor)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Claims(actor.Principal, actor.DisplayName, actor.Role, actor.Scope));
        return Prefix + Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The caller of <paramref name="context"/>; UNAUTHENTICATED when its token is malformed.</summary>
    public static Actor Caller(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrEmpty(header))
        {
            return Anonymous;
        }
        const string bearer = "Bearer ";
        var token = header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? header[bearer.Length..].Trim() : "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Unauthenticated();
        }
        try
        {
            var b64 = token[Prefix.Length..].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var claims = JsonSerializer.Deserialize<Claims>(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
            if (claims is null || string.IsNullOrEmpty(claims.Sub) || string.IsNullOrEmpty(claims.Role) || string.IsNullOrEmpty(claims.Scope))
            {
                throw Unauthenticated();
            }
            return new Actor(claims.Sub, claims.Name ?? "", claims.Role, claims.Scope);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            throw Unauthenticated();
        }
    }

    private static RpcException Unauthenticated() =>
        new(new Status(StatusCode.Unauthenticated, "The bearer token is not valid / mã xác thực không hợp lệ."));

    private sealed record Claims(string Sub, string? Name, string Role, string Scope);
}
