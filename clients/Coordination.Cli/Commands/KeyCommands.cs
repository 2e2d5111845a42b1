using System.ComponentModel;
using System.Globalization;
using Coordination.Tokens;
using Spectre.Console;
using Spectre.Console.Cli;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Cli.Commands;

/// <summary>Options of the key commands: the key ring folder on this machine.</summary>
public class KeySettings : CommandSettings
{
    /// <summary>Key ring.</summary>
    [CommandOption("--keys <DIR>")]
    [Description("The signing key ring folder. Default: $COORD_SIGNING_KEYS, else $COORD_DATA_DIR/keys.")]
    public string? Keys { get; init; }

    /// <summary>The token settings with the ring folder.</summary>
    public TokenSettings Settings => Commands.Keys.Settings(Keys);
}

/// <summary><c>coord key list</c>: the ring with each key's status.</summary>
public sealed class KeyListCommand : Command<KeySettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, KeySettings settings, CancellationToken cancellationToken) =>
        Run.Guarded(() =>
        {
            var now = TimeProvider.System.GetUtcNow();
            var ring = KeyRingDirectory.Load(settings.Settings.SigningKeysPath);
            if (ring.Keys.Count == 0)
            {
                throw new CliException(ExitCodes.Unreachable, $"No keys in {settings.Settings.SigningKeysPath}: start the platform once (./run.sh) or run 'coord key rotate'.");
            }
            var table = new Table().AddColumns("Key id", "Status", "Signs from", "Retires", "Longest token", "Note");
            foreach (var key in ring.Keys)
            {
                table.AddRow(key.KeyId, ring.StatusOf(key, now).ToString().ToUpperInvariant(), Time(key.ActivateTime),
                    ring.RetiresAt(key, now) is { } retires ? Time(retires) : "-",
                    key.MaxTokenLifetime.TotalDays.ToString("0.##", CultureInfo.InvariantCulture) + " days", key.Legacy ? "legacy signing-key.pem" : "");
            }
            AnsiConsole.Write(table);
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult();

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary><c>coord key rotate</c>: a new key that signs new tokens; older keys verify until their tokens have expired.</summary>
public sealed class KeyRotateCommand : Command<KeyRotateCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : KeySettings
    {
        /// <summary>Activation delay.</summary>
        [CommandOption("--activate-in <SECONDS>")]
        [Description("Seconds before the new key signs (every host learns it first; hosts re-read the folder every few seconds). Default: 10.")]
        public int ActivateIn { get; init; } = 10;

        /// <summary>Longest token lifetime.</summary>
        [CommandOption("--max-token-days <DAYS>")]
        [Description("The longest lifetime of a token the new key signs, in days; after it is replaced, it verifies that long. Default: 30.")]
        public int MaxTokenDays { get; init; } = 30;

        /// <inheritdoc/>
        public override ValidationResult Validate() =>
            ActivateIn is < 0 or > 86400 ? ValidationResult.Error("--activate-in is 0 to 86400 seconds.")
            : MaxTokenDays is < 1 or > 3650 ? ValidationResult.Error("--max-token-days is 1 to 3650.")
            : ValidationResult.Success();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Run.Guarded(() =>
        {
            var tokens = settings.Settings;
            // A ring made from the legacy key first, so that key keeps verifying after the rotation.
            KeyRingDirectory.ImportLegacy(tokens.SigningKeysPath, tokens.LegacyKeyPath);
            var key = KeyRingDirectory.Rotate(tokens.SigningKeysPath, TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(settings.ActivateIn), TimeSpan.FromDays(settings.MaxTokenDays));
            Console.WriteLine($"Added key {key.KeyId}: it signs new tokens from {key.ActivateTime.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; "
                + "older keys verify until their last token has expired (see 'coord key list') / đã thêm khóa ký mới.");
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult();
}

/// <summary><c>coord key retire</c>: a key verifies nothing from now on (a key believed compromised, or the legacy key).</summary>
public sealed class KeyRetireCommand : Command<KeyRetireCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : KeySettings
    {
        /// <summary>Key id.</summary>
        [CommandOption("--kid <KID>")]
        [Description("The key id ('coord key list'). Required.")]
        public string KeyId { get; init; } = "";

        /// <summary>Force.</summary>
        [CommandOption("--force")]
        [Description("Retire even the key that signs now (then no token can be issued until 'coord key rotate').")]
        public bool Force { get; init; }

        /// <inheritdoc/>
        public override ValidationResult Validate() => KeyId.Length == 0 ? ValidationResult.Error("--kid is required.") : ValidationResult.Success();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Run.Guarded(() =>
        {
            var path = settings.Settings.SigningKeysPath;
            var now = TimeProvider.System.GetUtcNow();
            var ring = KeyRingDirectory.Load(path);
            if (ring.Find(settings.KeyId) is null)
            {
                throw new CliException(ExitCodes.Usage, $"No key {settings.KeyId} in {path} / không có khóa này.");
            }
            if (ring.Signing(now)?.KeyId == settings.KeyId && !settings.Force)
            {
                throw new CliException(ExitCodes.Usage,
                    $"Key {settings.KeyId} signs now: run 'coord key rotate' first, or pass --force / khóa này đang ký, hãy xoay khóa trước.");
            }
            KeyRingDirectory.Retire(path, settings.KeyId, now);
            Console.WriteLine($"Retired key {settings.KeyId}: its tokens are refused by every host within 10 s / đã thu hồi khóa.");
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult();
}
