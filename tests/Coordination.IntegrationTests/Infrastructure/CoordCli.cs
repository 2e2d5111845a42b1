using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>The coord CLI (its build output) run as a process, as an administrator would run it.</summary>
public static partial class CoordCli
{
    /// <summary>
    /// Runs coord with <paramref name="args"/> and <c>COORD_DATA_DIR</c> set to <paramref name="dataDirectory"/>.
    /// Returns its exit code and everything it printed, whitespace runs folded to one space (Spectre wraps long lines).
    /// </summary>
    public static async Task<(int Code, string Output)> RunAsync(string dataDirectory, params string[] args)
    {
        var dll = Path.Combine(PlatformHost.RepositoryRoot(), "clients", "Coordination.Cli", "bin", PlatformHost.Configuration(), "net10.0", "coord.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["COORD_DATA_DIR"] = dataDirectory;
        psi.Environment.Remove("COORD_DB");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, Whitespace().Replace(await output + await error, " "));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
