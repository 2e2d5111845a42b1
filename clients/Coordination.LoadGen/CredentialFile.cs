using System.Text.Json;
using Grpc.Core;

namespace Coordination.LoadGen;

/// <summary>The host's <c>dev-credentials.json</c>: call headers per principal (<c>users/…</c>, <c>agencies/…</c>).</summary>
public static class CredentialFile
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static Dictionary<string, Metadata> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, Metadata>();
        foreach (var section in new[] { "users", "agencies" })
        {
            foreach (var e in doc.RootElement.GetProperty(section).EnumerateArray())
            {
                result[e.GetProperty("name").GetString()!] = new Metadata { { "authorization", "Bearer " + e.GetProperty("token").GetString() } };
            }
        }
        return result;
    }
}
