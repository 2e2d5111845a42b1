using System.Collections.Concurrent;
using Coordination.Api.Identity;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Accounts;

/// <summary>
/// Which sign-in sessions may still be used, as this host knows it. Every few seconds
/// (<see cref="AccountOptions.RevocationRefresh"/>) it re-reads from PostgreSQL the sessions that
/// were revoked and have not expired, so a token revoked on any host is refused here within that
/// time; revocations made on this host count at once. A session this host has not seen is looked
/// up once: a token whose session does not exist, or belongs to another account, is refused.
/// The same loop re-reads the revoked tokens and principals (<see cref="TokenRevocations"/>), so a
/// token revoked on any host is refused here within the same time.
/// </summary>
public sealed partial class SessionRegistry(
    AccountStore store, CredentialStore credentials, TokenRevocations tokens, IOptions<AccountOptions> options, ILogger<SessionRegistry> logger)
    : BackgroundService
{
    private const int MaxKnown = 100_000;
    private volatile HashSet<Guid> _revoked = [];
    private readonly ConcurrentDictionary<Guid, byte> _revokedHere = new();
    private readonly ConcurrentDictionary<Guid, string> _known = new();

    /// <summary>Whether session <paramref name="sessionId"/> is live and belongs to <paramref name="principal"/>.</summary>
    public async ValueTask<bool> IsLiveAsync(Guid sessionId, string principal, CancellationToken ct)
    {
        if (_revoked.Contains(sessionId) || _revokedHere.ContainsKey(sessionId))
        {
            return false;
        }
        if (!_known.TryGetValue(sessionId, out var username))
        {
            if (await store.FindSessionAsync(sessionId, ct) is not { } found)
            {
                return false;
            }
            if (found.Revoked)
            {
                _revokedHere[sessionId] = 0;
                return false;
            }
            if (_known.Count >= MaxKnown)
            {
                _known.Clear();
            }
            _known[sessionId] = username = found.Username;
        }
        return principal == "users/" + username;
    }

    /// <summary>A session this host just opened.</summary>
    public void Opened(Guid sessionId, string username) => _known[sessionId] = username;

    /// <summary>Sessions this host just revoked: refused here at once.</summary>
    public void Revoked(IEnumerable<Guid> sessionIds)
    {
        foreach (var id in sessionIds)
        {
            _revokedHere[id] = 0;
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPrune = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var revoked = await store.RevokedSessionsAsync(stoppingToken);
                _revoked = revoked;
                // What this host revoked is in the set read now; keep only what is not (yet) there.
                foreach (var id in _revokedHere.Keys.Where(revoked.Contains))
                {
                    _revokedHere.TryRemove(id, out _);
                }
                tokens.Replace(await credentials.LoadAsync(stoppingToken));
                if (DateTime.UtcNow - lastPrune > TimeSpan.FromMinutes(10))
                {
                    await store.PruneAsync(options.Value.RequestRetention, stoppingToken);
                    await credentials.PruneAsync(stoppingToken);
                    lastPrune = DateTime.UtcNow;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                // Keep the last set; the database may be briefly away (then nothing else works either).
                LogRefreshFailed(logger, e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(options.Value.RevocationRefresh, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revoked sessions not refreshed ({Reason}); keeping the last known set")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
