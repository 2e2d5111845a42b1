using System.Collections.Concurrent;

namespace Coordination.Api.Identity;

/// <summary>
/// Revoked tokens as read from PostgreSQL at one moment: token ids, and principals whose tokens
/// issued before a time are refused. Pure data, so its rule is tested without a host.
/// </summary>
public sealed class RevocationSet(IReadOnlySet<string> tokenIds, IReadOnlyDictionary<string, DateTimeOffset> principals)
{
    /// <summary>Nothing revoked.</summary>
    public static RevocationSet Empty { get; } = new(new HashSet<string>(), new Dictionary<string, DateTimeOffset>());

    /// <summary>Revoked token ids.</summary>
    public IReadOnlySet<string> TokenIds => tokenIds;

    /// <summary>Principals and the time before which their tokens are refused.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Principals => principals;

    /// <summary>
    /// Whether a token with id <paramref name="tokenId"/> of <paramref name="principal"/> issued at
    /// <paramref name="issuedAt"/> is revoked. A token carries whole seconds: one issued in the second
    /// of a principal's revocation counts as before it (refused) — a new credential waits a second.
    /// </summary>
    public bool IsRevoked(string? tokenId, string principal, DateTimeOffset issuedAt) =>
        (!string.IsNullOrEmpty(tokenId) && tokenIds.Contains(tokenId))
        || (principals.TryGetValue(principal, out var before) && issuedAt < before);
}

/// <summary>
/// This host's revocation list: the set the session registry re-reads every few seconds
/// (<see cref="Accounts.SessionRegistry"/>, one refresh loop for sessions and tokens), plus what this
/// host revoked since, which counts at once.
/// </summary>
public sealed class TokenRevocations
{
    private volatile RevocationSet _read = RevocationSet.Empty;
    private readonly ConcurrentDictionary<string, byte> _tokensHere = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _principalsHere = new(StringComparer.Ordinal);

    /// <summary>Whether the token is revoked, as this host knows now.</summary>
    public bool IsRevoked(string? tokenId, string principal, DateTimeOffset issuedAt) =>
        _read.IsRevoked(tokenId, principal, issuedAt)
        || (!string.IsNullOrEmpty(tokenId) && _tokensHere.ContainsKey(tokenId))
        || (_principalsHere.TryGetValue(principal, out var before) && issuedAt < before);

    /// <summary>A token this host just revoked.</summary>
    public void RevokedToken(string tokenId) => _tokensHere[tokenId] = 0;

    /// <summary>A principal this host just revoked.</summary>
    public void RevokedPrincipal(string principal, DateTimeOffset before) =>
        _principalsHere.AddOrUpdate(principal, before, (_, earlier) => earlier > before ? earlier : before);

    /// <summary>The set read from the database; what this host revoked and the database now holds is dropped from the local list.</summary>
    public void Replace(RevocationSet read)
    {
        _read = read;
        foreach (var id in _tokensHere.Keys.Where(read.TokenIds.Contains))
        {
            _tokensHere.TryRemove(id, out _);
        }
        foreach (var (principal, before) in _principalsHere)
        {
            if (read.Principals.TryGetValue(principal, out var stored) && stored >= before)
            {
                _principalsHere.TryRemove(principal, out _);
            }
        }
    }
}
