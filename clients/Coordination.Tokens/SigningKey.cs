using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Tokens;

/// <summary>
/// The platform's token signing key: an ECDSA P-256 key in a PEM file, created on first use with
/// owner-only permissions. Never part of the repository.
/// </summary>
public static class SigningKey
{
    /// <summary>Loads the key at <paramref name="path"/>, creating it when missing (safe if two hosts race).</summary>
    public static ECDsaSecurityKey LoadOrCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, fresh.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            try
            {
                // Whoever moves first wins; the other keeps the winner's key.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException)
            {
                File.Delete(temp);
            }
        }
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        var parameters = key.ExportParameters(false);
        var keyId = Convert.ToHexStringLower(SHA256.HashData([.. parameters.Q.X!, .. parameters.Q.Y!]))[..16];
        return new ECDsaSecurityKey(key) { KeyId = keyId };
    }
}
