using System.Security.Cryptography;

namespace Coordination.WebConsole;

/// <summary>URLs of the console's static files, versioned by content so browsers may cache them for good.</summary>
public static class ConsoleAssets
{
    /// <summary>The stylesheet.</summary>
    public static string Css { get; } = Versioned("css/console.css");

    /// <summary>The one script: progressive enhancements only (live inbox, countdowns, no double submit).</summary>
    public static string Js { get; } = Versioned("js/console.js");

    private static string Versioned(string path)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "wwwroot", path);
        if (!File.Exists(file))
        {
            return "/" + path;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))[..12];
        return $"/{path}?v={hash}";
    }
}
