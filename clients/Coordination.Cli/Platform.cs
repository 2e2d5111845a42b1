using System.ComponentModel;
using System.Text.Json;
using Coordination.Client;
using Grpc.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Coordination.Cli;

/// <summary>What coord's exit codes mean.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>The platform refused the request (permission, invalid argument, not found, ...); restore: the target is not empty.</summary>
    public const int Refused = 1;
    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
    /// <summary>The platform or the database could not be reached, or no credential was found.</summary>
    public const int Unreachable = 3;
    /// <summary>The input file has errors (each printed with its line), or a backup does not verify; nothing was changed.</summary>
    public const int BadInput = 4;
    /// <summary>A local file could not be read or written, or a PostgreSQL program (pg_dump, pg_restore) failed.</summary>
    public const int FileError = 5;
}

/// <summary>Options of every command that talks to the platform.</summary>
public class PlatformSettings : CommandSettings
{
    /// <summary>The platform's gRPC address.</summary>
    [CommandOption("--target <URL>")]
    [Description("The platform's gRPC address. Default: http://127.0.0.1:5080 (the local ./run.sh host).")]
    public string Target { get; init; } = "http://127.0.0.1:5080";

    /// <summary>A bearer token.</summary>
    [CommandOption("--token <TOKEN>")]
    [Description("A bearer token to call with (also COORD_TOKEN). Default: the demo coordinator's token from $COORD_DATA_DIR/dev-credentials.json.")]
    public string? Token { get; init; }

    /// <summary>The demo credentials file.</summary>
    [CommandOption("--credentials <FILE>")]
    [Description("The demo credentials file. Default: $COORD_DATA_DIR/dev-credentials.json ($COORD_DATA_DIR defaults to .data).")]
    public string? Credentials { get; init; }

    /// <summary>Which person of the credentials file to call as.</summary>
    [CommandOption("--as <NAME>")]
    [Description("Which person of the credentials file to call as. Default: users/coordinator.")]
    public string As { get; init; } = "users/coordinator";

    /// <inheritdoc/>
    public override ValidationResult Validate() =>
        Uri.TryCreate(Target, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--target must be an http:// or https:// address, not '{Target}'.");

    /// <summary>The data folder of the local platform.</summary>
    public static string DataDirectory => Environment.GetEnvironmentVariable("COORD_DATA_DIR") is { Length: > 0 } d ? d : ".data";

    /// <summary>The token to send: --token, COORD_TOKEN, or the person's token in the credentials file.</summary>
    public string ResolveToken()
    {
        if (Token is { Length: > 0 })
        {
            return Token;
        }
        if (Environment.GetEnvironmentVariable("COORD_TOKEN") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        var path = Credentials ?? Path.Combine(DataDirectory, "dev-credentials.json");
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Unreachable,
                $"No credential: pass --token, set COORD_TOKEN, or start the platform with ./run.sh (it writes {path}).");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var user in doc.RootElement.GetProperty("users").EnumerateArray().Concat(
            doc.RootElement.TryGetProperty("agencies", out var a) ? a.EnumerateArray() : Enumerable.Empty<JsonElement>()))
        {
            if (user.GetProperty("name").GetString() == As)
            {
                return user.GetProperty("token").GetString() ?? "";
            }
        }
        throw new CliException(ExitCodes.Unreachable, $"No '{As}' in {path}.");
    }

    /// <summary>A client for the platform with this command's credential.</summary>
    public CoordinationClient Connect(TimeSpan? callTimeout = null)
    {
        var token = ResolveToken();
        try
        {
            return new CoordinationClient(new CoordinationClientOptions
            {
                Address = new Uri(Target),
                Token = _ => ValueTask.FromResult(token),
                CallTimeout = callTimeout ?? TimeSpan.FromSeconds(60),
                // The same opt-in as the host's: only on a trusted private network.
                AllowCleartextToken = Environment.GetEnvironmentVariable("COORD_ALLOW_CLEARTEXT") == "1",
            });
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message + " (COORD_ALLOW_CLEARTEXT=1 allows it)");
        }
    }
}

/// <summary>A failure with the exit code it means.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>The exit code.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>Runs a command body and turns failures into a message and an exit code.</summary>
public static class Run
{
    /// <summary>Runs <paramref name="body"/>.</summary>
    public static async Task<int> Guarded(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]coord:[/] {e.Message}");
            return e.ExitCode;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]coord:[/] the platform could not be reached ({e.StatusCode}): {e.Status.Detail}");
            return ExitCodes.Unreachable;
        }
        catch (RpcException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]coord:[/] the platform refused: {e.StatusCode}: {e.Status.Detail}");
            return ExitCodes.Refused;
        }
        catch (IOException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]coord:[/] {e.Message}");
            return ExitCodes.FileError;
        }
        catch (UnauthorizedAccessException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]coord:[/] {e.Message}");
            return ExitCodes.FileError;
        }
    }
}
