using System.Text.Json;
using Coordination.Api.Accounts;

namespace Coordination.Api.Demo;

/// <summary>
/// The demo people's passwords of one data folder (<c>demo-passwords.json</c>, owner-only): made
/// once with the CSPRNG, kept so every start (and every host sharing the folder) uses the same
/// ones, and never in the code. A person added to the demo later gets one added.
/// </summary>
public static class DemoPasswords
{
    /// <summary>Name of the file in the data folder.</summary>
    public const string FileName = "demo-passwords.json";

    /// <summary>The password of each of <paramref name="usernames"/>, creating what is missing.</summary>
    public static IReadOnlyDictionary<string, string> LoadOrCreate(string dataDirectory, IEnumerable<string> usernames)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var passwords = Read(path);
        var missing = usernames.Where(u => !passwords.ContainsKey(u)).ToList();
        if (missing.Count == 0)
        {
            return passwords;
        }
        var existed = File.Exists(path);
        foreach (var username in missing)
        {
            passwords[username] = OneTimePasswords.Generate();
        }
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(passwords, Indented));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            // A first file: whoever moves first wins and the other keeps the winner's passwords.
            File.Move(temp, path, overwrite: existed);
        }
        catch (IOException)
        {
            File.Delete(temp);
            return LoadOrCreate(dataDirectory, missing.Concat(passwords.Keys));
        }
        return passwords;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static Dictionary<string, string> Read(string path) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
}
