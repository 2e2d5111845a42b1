using System.Security.Cryptography;
using System.Text;
using Coordination.Api.Audit;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Identity;

/// <summary>A token exchanged for an agency's client credentials.</summary>
public sealed record ExchangedToken(string AccessToken, string TokenId, DateTimeOffset ExpireTime);

/// <summary>
/// Agency systems' client credentials and token revocation. A client secret is 256 random bits and
/// is stored as its SHA-256: a slow password hash (PBKDF2) protects guessable passwords, and buys
/// nothing against a secret nobody can guess, while it would cost every exchange ~0.1 s of CPU.
/// </summary>
public sealed class AgencyCredentials(
    CredentialStore store, TokenRevocations revocations, TokenIssuer tokens, SigningKeys keys, IGrainFactory grains, AuditLog auditLog,
    IOptions<SecurityOptions> options, TimeProvider time)
{
    /// <summary>Prefix of every client secret, so a leaked one is recognisable (secret scanners).</summary>
    public const string SecretPrefix = "coord_cs_";

    private const string CreateTokenMethod = "coordination.v1.TokenService/CreateToken";
    private const string RefusedMessage = "Unknown client or wrong client secret / sai mã ứng dụng hoặc khóa bí mật.";

    /// <summary>A new client secret.</summary>
    public static string NewSecret() => SecretPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of <paramref name="secret"/>.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// A token for agency <paramref name="agencyId"/> if <paramref name="secret"/> is its client secret,
    /// or <paramref name="certificateAgency"/> (the agency a verified client certificate maps to) is it.
    /// Refusals are audited with why and answer the same UNAUTHENTICATED.
    /// </summary>
    public async Task<ExchangedToken> ExchangeAsync(string agencyId, string? secret, string? certificateAgency, string address, CancellationToken ct)
    {
        var principal = "agencies/" + agencyId;
        var now = time.GetUtcNow();
        var from = $"from {address}";
        var record = await grains.GetGrain<IAgencyGrain>(agencyId).Get();
        string? refusal;
        if (record is null)
        {
            refusal = "UNKNOWN_CLIENT";
        }
        else if (!string.IsNullOrEmpty(secret))
        {
            var stored = await store.ClientSecretHashAsync(principal, ct);
            refusal = stored is null ? "NO_SECRET" : CryptographicOperations.FixedTimeEquals(stored, Hash(secret)) ? null : "WRONG_SECRET";
        }
        else
        {
            refusal = certificateAgency is null ? "NO_CREDENTIAL" : certificateAgency == principal ? null : "CERTIFICATE_OF_ANOTHER_AGENCY";
        }
        if (refusal is not null || record is null)
        {
            await auditLog.AppendAsync(new AuditRecord(now, principal, Actor.AgencySystem, principal, CreateTokenMethod, principal, TokenChecks.Unauthenticated, $"{refusal}: {from}"));
            throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unauthenticated, RefusedMessage));
        }
        var issued = tokens.IssueToken(new Actor(principal, record.Profile.DisplayName, Actor.AgencySystem, principal), options.Value.AgencyTokenLifetime);
        await auditLog.AppendAsync(new AuditRecord(now, principal, Actor.AgencySystem, principal, CreateTokenMethod, principal, "OK",
            $"ISSUED: token {issued.Id} until {issued.ExpireTime:O} by {(string.IsNullOrEmpty(secret) ? "client certificate" : "client secret")}, {from}"));
        return new ExchangedToken(issued.Token, issued.Id, issued.ExpireTime);
    }

    /// <summary>A new client secret for agency <paramref name="agencyId"/> (which must exist), replacing its earlier one.</summary>
    public async Task<(string Secret, DateTimeOffset Created)> RotateSecretAsync(Actor caller, string agencyId, string method)
    {
        var principal = "agencies/" + agencyId;
        if (await grains.GetGrain<IAgencyGrain>(agencyId).Get() is null)
        {
            throw new NotFoundException(principal);
        }
        var secret = NewSecret();
        var now = time.GetUtcNow();
        await store.SetClientSecretAsync(principal, Hash(secret), now,
            new AuditRecord(now, caller.Principal, caller.Role, caller.Scope, method, principal, "OK", "CLIENT_SECRET_ROTATED"));
        return (secret, now);
    }

    /// <summary>Revokes token <paramref name="tokenId"/>: refused here at once, on every host within seconds.</summary>
    public async Task RevokeTokenAsync(Actor caller, string tokenId, string reason, string method)
    {
        var now = time.GetUtcNow();
        // The token's expiry is not known here: keep the revocation as long as any token of a key that
        // verifies now could live.
        var longest = keys.Ring.Verifying(now).Select(k => k.MaxTokenLifetime).DefaultIfEmpty(KeyRingDirectory.DefaultMaxTokenLifetime).Max();
        var expires = longest >= TimeSpan.FromDays(36500) ? now.AddYears(100) : now + longest + KeyRing.ClockSkew;
        await store.RevokeTokenAsync(tokenId, "", now, expires, reason,
            new AuditRecord(now, caller.Principal, caller.Role, caller.Scope, method, "tokens/" + tokenId, "OK", "TOKEN_REVOKED: " + reason));
        revocations.RevokedToken(tokenId);
    }

    /// <summary>Revokes every token of <paramref name="principal"/> issued until now (and an agency's client secret).</summary>
    public async Task RevokePrincipalAsync(Actor caller, string principal, string reason, string method)
    {
        var now = time.GetUtcNow();
        await store.RevokePrincipalAsync(principal, now, reason,
            new AuditRecord(now, caller.Principal, caller.Role, caller.Scope, method, principal, "OK", "PRINCIPAL_REVOKED: " + reason));
        revocations.RevokedPrincipal(principal, now);
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
