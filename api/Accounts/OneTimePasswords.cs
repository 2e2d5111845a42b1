using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Api.Accounts;

/// <summary>
/// One-time passwords: generated with the operating system's CSPRNG, and kept for retries only
/// encrypted (AES-256-GCM) under a key derived (HKDF-SHA256) from the platform's signing key, which
/// every host of a cluster shares already. The ciphertext is bound to the request it answers.
/// </summary>
public sealed class OneTimePasswords
{
    // No 0/o, 1/l/i: read aloud or copied from a screen without mistakes.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>Derives the encryption key from <paramref name="signingKey"/>.</summary>
    public OneTimePasswords(ECDsaSecurityKey signingKey)
    {
        var secret = signingKey.ECDsa.ExportParameters(includePrivateParameters: true).D
            ?? throw new InvalidOperationException("The signing key has no private part.");
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Encoding.UTF8.GetBytes("coordination/account-requests/v1"));
        CryptographicOperations.ZeroMemory(secret);
    }

    /// <summary>A new one-time password: four groups of four, about 79 bits.</summary>
    public static string Generate()
    {
        var chars = RandomNumberGenerator.GetString(Alphabet, 16);
        return $"{chars[..4]}-{chars[4..8]}-{chars[8..12]}-{chars[12..]}";
    }

    /// <summary>Encrypts <paramref name="password"/> for the answer to <paramref name="binding"/> (principal, request id, account).</summary>
    public byte[] Protect(string password, string binding)
    {
        var plain = Encoding.UTF8.GetBytes(password);
        var result = new byte[NonceSize + TagSize + plain.Length];
        var nonce = result.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, result.AsSpan(NonceSize + TagSize), result.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(binding));
        return result;
    }

    /// <summary>Decrypts what <see cref="Protect"/> made; null when it cannot (another key, another request).</summary>
    public string? Unprotect(byte[] sealedPassword, string binding)
    {
        if (sealedPassword.Length < NonceSize + TagSize)
        {
            return null;
        }
        var plain = new byte[sealedPassword.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedPassword.AsSpan(0, NonceSize), sealedPassword.AsSpan(NonceSize + TagSize), sealedPassword.AsSpan(NonceSize, TagSize),
                plain, Encoding.UTF8.GetBytes(binding));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
