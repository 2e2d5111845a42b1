using Microsoft.IdentityModel.Tokens;

namespace Coordination.Tokens;

/// <summary>Where a signing key is in its life.</summary>
public enum KeyStatus
{
    /// <summary>Published, verifies, but does not sign yet (every host learns it before a token carries it).</summary>
    Pending,
    /// <summary>Signs new tokens (the newest key that has activated), and verifies.</summary>
    Active,
    /// <summary>Replaced by a newer key; still verifies until the last token it signed may have expired.</summary>
    Verifying,
    /// <summary>Verifies nothing any more.</summary>
    Retired,
}

/// <summary>
/// One key of the ring. <see cref="MaxTokenLifetime"/> is the longest lifetime a token it signs may
/// have: the key keeps verifying that long after a newer key took over, then retires by itself.
/// <see cref="RetireTime"/> retires it earlier (a key believed compromised, or the legacy key once its
/// long-lived tokens are replaced).
/// </summary>
public sealed record RingKey(
    string KeyId, DateTimeOffset CreateTime, DateTimeOffset ActivateTime, TimeSpan MaxTokenLifetime, DateTimeOffset? RetireTime, bool Legacy,
    ECDsaSecurityKey Key);

/// <summary>
/// The platform's signing keys and the rules of their life, as pure functions of the keys and the time
/// (the files are <see cref="KeyRingDirectory"/>'s business). Keys are ordered by activation; the
/// newest activated key signs; an older one verifies until the key after it activated plus its
/// <see cref="RingKey.MaxTokenLifetime"/> plus the clock skew validators allow, then retires.
/// </summary>
public sealed class KeyRing
{
    /// <summary>Clock skew the platform's validators allow: a key verifies that much longer.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, RingKey> _byId;

    /// <summary>A ring of <paramref name="keys"/> (any order).</summary>
    public KeyRing(IEnumerable<RingKey> keys)
    {
        Keys = [.. keys.OrderBy(k => k.ActivateTime).ThenBy(k => k.KeyId, StringComparer.Ordinal)];
        _byId = Keys.GroupBy(k => k.KeyId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    /// <summary>The empty ring.</summary>
    public static KeyRing Empty { get; } = new([]);

    /// <summary>Every key, oldest activation first.</summary>
    public IReadOnlyList<RingKey> Keys { get; }

    /// <summary>The key with id <paramref name="keyId"/>, or null.</summary>
    public RingKey? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    /// <summary>When <paramref name="key"/> stopped (or will stop) signing: the activation of the next key that has activated by <paramref name="now"/>; null while it is the newest.</summary>
    public DateTimeOffset? SupersededAt(RingKey key, DateTimeOffset now)
    {
        var index = IndexOf(key);
        for (var i = index + 1; i < Keys.Count; i++)
        {
            if (Keys[i].ActivateTime <= now)
            {
                return Keys[i].ActivateTime;
            }
        }
        return null;
    }

    /// <summary>When <paramref name="key"/> retires (or retired); null while it signs or before it activated.</summary>
    public DateTimeOffset? RetiresAt(RingKey key, DateTimeOffset now)
    {
        var byLifetime = SupersededAt(key, now) is { } superseded ? superseded + key.MaxTokenLifetime + ClockSkew : (DateTimeOffset?)null;
        return (key.RetireTime, byLifetime) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, var b) => b,
        };
    }

    /// <summary>The status of <paramref name="key"/> at <paramref name="now"/>.</summary>
    public KeyStatus StatusOf(RingKey key, DateTimeOffset now) =>
        RetiresAt(key, now) is { } retires && retires <= now ? KeyStatus.Retired
        : key.ActivateTime > now ? KeyStatus.Pending
        : SupersededAt(key, now) is null ? KeyStatus.Active
        : KeyStatus.Verifying;

    /// <summary>Whether a token signed by key <paramref name="keyId"/> may be accepted at <paramref name="now"/>.</summary>
    public bool Verifies(string keyId, DateTimeOffset now) => Find(keyId) is { } key && StatusOf(key, now) != KeyStatus.Retired;

    /// <summary>The keys that verify at <paramref name="now"/>.</summary>
    public IEnumerable<RingKey> Verifying(DateTimeOffset now) => Keys.Where(k => StatusOf(k, now) != KeyStatus.Retired);

    /// <summary>The key that signs at <paramref name="now"/>, or null when none does (an empty ring, or the newest key retired).</summary>
    public RingKey? Signing(DateTimeOffset now) => Keys.LastOrDefault(k => k.ActivateTime <= now) is { } newest && StatusOf(newest, now) == KeyStatus.Active ? newest : null;

    /// <summary>The first key the ring ever had (stable across rotations), or null.</summary>
    public RingKey? Oldest => Keys.Count == 0 ? null : Keys.OrderBy(k => k.CreateTime).ThenBy(k => k.KeyId, StringComparer.Ordinal).First();

    private int IndexOf(RingKey key)
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            if (Keys[i].KeyId == key.KeyId)
            {
                return i;
            }
        }
        throw new ArgumentException("The key is not in this ring.", nameof(key));
    }
}
