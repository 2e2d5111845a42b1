using System.Text.Json;
using Grpc.Core;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>The demo credentials a seeded host wrote to its data folder, as a partner would read them.</summary>
public sealed class Credentials
{
    private readonly Dictionary<string, string> _tokens = [];
    private readonly Dictionary<string, string> _passwords = [];

    private Credentials()
    {
    }

    /// <summary>Reads dev-credentials.json from <paramref name="dataDirectory"/>.</summary>
    public static Credentials Load(string dataDirectory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "dev-credentials.json")));
        var c = new Credentials();
        foreach (var section in new[] { "users", "agencies" })
        {
            foreach (var e in doc.RootElement.GetProperty(section).EnumerateArray())
            {
                c._tokens[e.GetProperty("name").GetString()!] = e.GetProperty("token").GetString()!;
                if (e.TryGetProperty("username", out var username) && e.TryGetProperty("password", out var password))
                {
                    c._passwords[username.GetString()!] = password.GetString()!;
                }
            }
        }
        return c;
    }

    /// <summary>The demo password of <paramref name="username"/> (e.g. <c>hai-chau-1-officer</c>).</summary>
    public string Password(string username) => _passwords[username];

    /// <summary>Every demo username.</summary>
    public IReadOnlyCollection<string> Usernames => _passwords.Keys;

    /// <summary>Call headers authenticating as <paramref name="principal"/> (e.g. <c>users/hai-chau-1-officer</c>).</summary>
    public Metadata As(string principal) => new() { { "authorization", "Bearer " + _tokens[principal] } };
}
