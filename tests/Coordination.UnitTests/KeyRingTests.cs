using System.Security.Cryptography;
using Coordination.Api.Identity;
using Coordination.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.UnitTests;

/// <summary>The key ring's rules (issue 13): which key signs, how long a replaced key verifies, when it retires.</summary>
public sealed class KeyRingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RingKey Key(string id, DateTimeOffset activate, double maxDays = 30, DateTimeOffset? retire = null) =>
        new(id, activate, activate, TimeSpan.FromDays(maxDays), retire, false, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = id });

    [Fact]
    public void The_newest_activated_key_signs_and_a_pending_one_only_verifies()
    {
        var a = Key("a", T0);
        var b = Key("b", T0.AddDays(10));
        var ring = new KeyRing([b, a]);

        Assert.Equal("a", ring.Signing(T0.AddDays(9))?.KeyId);
        Assert.Equal(KeyStatus.Pending, ring.StatusOf(b, T0.AddDays(9)));
        Assert.True(ring.Verifies("b", T0.AddDays(9)));
        Assert.Equal("b", ring.Signing(T0.AddDays(10))?.KeyId);
        Assert.Equal(KeyStatus.Verifying, ring.StatusOf(a, T0.AddDays(10)));
    }

    [Fact]
    public void A_replaced_key_verifies_until_its_last_token_could_have_expired_then_retires()
    {
        var a = Key("a", T0, maxDays: 30);
        var b = Key("b", T0.AddDays(10));
        var ring = new KeyRing([a, b]);
        // Replaced at day 10; its last token lives at most 30 days, plus the validators' clock skew.
        var retires = T0.AddDays(40) + KeyRing.ClockSkew;

        Assert.Equal(retires, ring.RetiresAt(a, T0.AddDays(11)));
        Assert.True(ring.Verifies("a", retires.AddSeconds(-1)));
        Assert.False(ring.Verifies("a", retires));
        Assert.Equal(KeyStatus.Retired, ring.StatusOf(a, retires));
        Assert.Null(ring.RetiresAt(b, retires));
        Assert.Equal(KeyStatus.Active, ring.StatusOf(b, retires));
    }

    [Fact]
    public void A_key_retired_by_hand_verifies_nothing_and_an_unknown_key_never_verified()
    {
        var a = Key("a", T0, retire: T0.AddDays(2));
        var b = Key("b", T0.AddDays(1));
        var ring = new KeyRing([a, b]);

        Assert.True(ring.Verifies("a", T0.AddDays(1.5)));
        Assert.False(ring.Verifies("a", T0.AddDays(2)));
        Assert.False(ring.Verifies("zz", T0));
        Assert.Equal(["b"], ring.Verifying(T0.AddDays(3)).Select(k => k.KeyId));
    }

    [Fact]
    public void No_key_signs_when_the_newest_activated_one_is_retired_or_the_ring_is_empty()
    {
        Assert.Null(KeyRing.Empty.Signing(T0));
        var ring = new KeyRing([Key("a", T0), Key("b", T0.AddDays(1), retire: T0.AddDays(2))]);
        Assert.Null(ring.Signing(T0.AddDays(3)));
    }

    [Fact]
    public void Tokens_are_refused_beyond_the_signing_key_s_longest_lifetime()
    {
        var issuer = new TokenIssuer(() => new KeyRing([Key("a", DateTimeOffset.UtcNow.AddDays(-1), maxDays: 1)]), "i", "a", TimeProvider.System);
        var actor = new Coordination.Silo.Common.Actor("users/x", "X", "WARD_OFFICER", "wards/y");

        Assert.Equal("a", issuer.IssueToken(actor, TimeSpan.FromHours(24)).KeyId);
        Assert.Throws<ArgumentOutOfRangeException>(() => issuer.IssueToken(actor, TimeSpan.FromHours(25)));
        Assert.Throws<InvalidOperationException>(() => new TokenIssuer(() => KeyRing.Empty, "i", "a", TimeProvider.System).IssueToken(actor, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void The_folder_keeps_keys_with_their_ids_imports_the_legacy_key_once_and_retires_by_hand()
    {
        var dir = Directory.CreateTempSubdirectory("ring-").FullName;
        var legacyPath = Path.Combine(dir, "signing-key.pem");
        var legacy = SigningKey.LoadOrCreate(legacyPath);
        var keys = Path.Combine(dir, "keys");

        var ring = KeyRingDirectory.Ensure(keys, legacyPath, DateTimeOffset.UtcNow);
        Assert.Equal(legacy.KeyId, Assert.Single(ring.Keys).KeyId);
        Assert.True(ring.Keys[0].Legacy);
        Assert.False(KeyRingDirectory.ImportLegacy(keys, legacyPath));

        var added = KeyRingDirectory.Rotate(keys, DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(30));
        ring = KeyRingDirectory.Load(keys);
        Assert.Equal(added.KeyId, ring.Signing(DateTimeOffset.UtcNow.AddSeconds(1))?.KeyId);
        Assert.Equal(KeyStatus.Verifying, ring.StatusOf(ring.Find(legacy.KeyId)!, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(legacy.KeyId, ring.Oldest?.KeyId);

        KeyRingDirectory.Retire(keys, legacy.KeyId, DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.False(KeyRingDirectory.Load(keys).Verifies(legacy.KeyId, DateTimeOffset.UtcNow));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, added.KeyId + ".json")));
        }
        // A file that is not a key is skipped and named, not fatal.
        File.WriteAllText(Path.Combine(keys, "broken.json"), "{");
        var problems = new List<string>();
        Assert.Equal(2, KeyRingDirectory.Load(keys, problems).Keys.Count);
        Assert.Single(problems);
    }

    [Fact]
    public void A_revoked_token_id_or_a_principal_s_earlier_tokens_are_refused()
    {
        var set = new RevocationSet(new HashSet<string> { "jti-1" }, new Dictionary<string, DateTimeOffset> { ["agencies/a"] = T0 });

        Assert.True(set.IsRevoked("jti-1", "users/x", T0));
        Assert.False(set.IsRevoked("jti-2", "users/x", T0));
        Assert.True(set.IsRevoked("jti-2", "agencies/a", T0.AddSeconds(-1)));
        Assert.False(set.IsRevoked("jti-2", "agencies/a", T0));
        Assert.False(set.IsRevoked(null, "agencies/b", T0.AddDays(-1)));

        var here = new TokenRevocations();
        here.RevokedToken("jti-3");
        here.RevokedPrincipal("users/y", T0);
        Assert.True(here.IsRevoked("jti-3", "users/z", T0));
        Assert.True(here.IsRevoked("other", "users/y", T0.AddSeconds(-5)));
        // Once the database has them, the local list gives way; the database's set still refuses them.
        here.Replace(new RevocationSet(new HashSet<string> { "jti-3" }, new Dictionary<string, DateTimeOffset> { ["users/y"] = T0 }));
        Assert.True(here.IsRevoked("jti-3", "users/z", T0));
        Assert.True(here.IsRevoked("other", "users/y", T0.AddSeconds(-5)));
    }
}
