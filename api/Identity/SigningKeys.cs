using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Api.Identity;

/// <summary>
/// This host's view of the key ring folder (<see cref="SecurityOptions.SigningKeysPath"/>): re-read every
/// <see cref="SecurityOptions.KeyRefresh"/> (at most 5 s), and at once (at most once a second) when a
/// token names a key this host does not know, so a rotation or a retirement is honoured everywhere
/// within seconds without a restart. Files that did not change are not parsed again.
/// </summary>
public sealed partial class SigningKeys(string directory, IOptions<SecurityOptions> options, TimeProvider time, ILogger<SigningKeys> logger) : BackgroundService
{
    private static readonly TimeSpan MinRescan = TimeSpan.FromSeconds(1);
    private readonly Lock _scan = new();
    private volatile KeyRing _ring = KeyRingDirectory.Load(directory);
    private long _lastScanTicks = time.GetUtcNow().UtcTicks;
    private string _fingerprint = "";

    /// <summary>The ring as last read.</summary>
    public KeyRing Ring => _ring;

    /// <summary>The folder.</summary>
    public string Directory => directory;

    /// <summary>The keys a token naming <paramref name="keyId"/> may be checked with (none when that key is retired or unknown).</summary>
    public IEnumerable<SecurityKey> Resolve(string? keyId)
    {
        var now = time.GetUtcNow();
        if (string.IsNullOrEmpty(keyId))
        {
            return _ring.Verifying(now).Select(k => (SecurityKey)k.Key);
        }
        if (_ring.Find(keyId) is null && now.UtcTicks - Interlocked.Read(ref _lastScanTicks) >= MinRescan.Ticks)
        {
            Rescan();
        }
        return _ring.Find(keyId) is { } key && _ring.StatusOf(key, now) != KeyStatus.Retired ? [key.Key] : [];
    }

    /// <summary>Whether key <paramref name="keyId"/> verifies now (checked again for tokens the validation cache remembers).</summary>
    public bool Verifies(string keyId) => _ring.Verifies(keyId, time.GetUtcNow());

    /// <summary>Reads the folder again (skipped when no file changed).</summary>
    public void Rescan()
    {
        lock (_scan)
        {
            Interlocked.Exchange(ref _lastScanTicks, time.GetUtcNow().UtcTicks);
            var fingerprint = Fingerprint();
            if (fingerprint == _fingerprint)
            {
                return;
            }
            var problems = new List<string>();
            var ring = KeyRingDirectory.Load(directory, problems);
            foreach (var problem in problems)
            {
                LogUnreadable(logger, problem);
            }
            _ring = ring;
            // A file that changed while it was read is read again at the next scan.
            _fingerprint = Fingerprint() == fingerprint ? fingerprint : "";
            LogLoaded(logger, ring.Keys.Count, ring.Signing(time.GetUtcNow())?.KeyId ?? "none");
        }
    }

    private string Fingerprint() => System.IO.Directory.Exists(directory)
        ? string.Join("|", System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(f => f + "@" + File.GetLastWriteTimeUtc(f).Ticks))
        : "";

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Rescan();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep the last ring: a folder briefly away (a network share) must not lock everyone out.
                LogUnreadable(logger, e.Message);
            }
            try
            {
                await Task.Delay(options.Value.KeyRefresh, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key not read: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing keys: {Count} in the ring, {KeyId} signs")]
    private static partial void LogLoaded(ILogger logger, int count, string keyId);
}
