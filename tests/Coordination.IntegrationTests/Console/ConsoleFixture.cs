using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Coordination.IntegrationTests.Console;

/// <summary>
/// A real platform (seeded with the Da Nang demo), the real console in front of it, and headless
/// Chromium from the OS packages (./test.sh installs Debian's chromium; Playwright drives it by path).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    /// <summary>The database.</summary>
    public TestDatabase Database { get; private set; } = null!;

    /// <summary>The platform.</summary>
    public PlatformHost Platform { get; private set; } = null!;

    /// <summary>The console.</summary>
    public ConsoleHost Console { get; private set; } = null!;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Demo passwords by username (from dev-credentials.json, as a person would look them up).</summary>
    public IReadOnlyDictionary<string, string> Passwords { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Platform = await PlatformHost.StartAsync(Database.ConnectionString, seedDemo: true);
        Passwords = ReadPasswords(Platform.DataDirectory);
        Console = await ConsoleHost.StartAsync(Platform.GrpcPort, Platform.DataDirectory);
        (_playwright, Browser) = await LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Console.DisposeAsync();
        await Platform.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Headless Chromium from the OS (COORD_CHROMIUM, default /usr/bin/chromium).</summary>
    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("COORD_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Chromium not found at {executable}: ./test.sh installs Debian's chromium package.");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // As root (CI) Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>Reads the demo passwords a seeded host wrote.</summary>
    public static Dictionary<string, string> ReadPasswords(string dataDirectory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "dev-credentials.json")));
        var passwords = new Dictionary<string, string>();
        foreach (var u in doc.RootElement.GetProperty("users").EnumerateArray())
        {
            if (u.TryGetProperty("username", out var name) && u.TryGetProperty("password", out var password) && name.GetString() is { } n)
            {
                passwords[n] = password.GetString()!;
            }
        }
        return passwords;
    }
}
