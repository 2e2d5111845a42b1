using Coordination.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Coordination.Client;

/// <summary>
/// An agency system's credential: exchanges the client secret for a short-lived access token
/// (TokenService.CreateToken, at most one hour) and exchanges again before the token expires, by
/// itself. Pass <see cref="GetTokenAsync"/> as <see cref="CoordinationClientOptions.Token"/>:
/// <code>
/// using var credential = new ClientSecretCredential(address, "agencies/hai-chau-1-police", secret);
/// using var client = new CoordinationClient(new() { Address = address, Token = credential.GetTokenAsync });
/// </code>
/// Thread-safe: concurrent calls share one exchange. If the platform cannot be reached while the
/// current token is still valid, that token is used and the exchange is tried again on the next call.
/// </summary>
public sealed class ClientSecretCredential : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly TokenService.TokenServiceClient _tokens;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _exchange = new(1, 1);
    private (string Token, DateTimeOffset Expires, DateTimeOffset RefreshAt)? _current;

    /// <summary>A credential for <paramref name="clientId"/> (<c>agencies/{agency}</c>) at the platform's <paramref name="address"/>.</summary>
    public ClientSecretCredential(Uri address, string clientId, string clientSecret, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
        _tokens = new TokenService.TokenServiceClient(_channel);
        _clientId = clientId;
        _clientSecret = clientSecret;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long before its expiry a token is replaced: this, or half its lifetime when shorter. Default 5 minutes.</summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Exchanges so far (for monitoring).</summary>
    public int Exchanges { get; private set; }

    /// <summary>A valid access token, exchanged anew when the current one is near its expiry.</summary>
    public async ValueTask<string> GetTokenAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_current is { } fresh && now < fresh.RefreshAt)
        {
            return fresh.Token;
        }
        await _exchange.WaitAsync(ct);
        try
        {
            now = _time.GetUtcNow();
            if (_current is { } again && now < again.RefreshAt)
            {
                return again.Token;
            }
            try
            {
                var reply = await _tokens.CreateTokenAsync(new CreateTokenRequest { ClientId = _clientId, ClientSecret = _clientSecret },
                    deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: ct);
                var expires = reply.ExpireTime.ToDateTimeOffset();
                var lifetime = expires - now;
                var margin = RefreshMargin < lifetime / 2 ? RefreshMargin : lifetime / 2;
                _current = (reply.AccessToken, expires, expires - margin);
                Exchanges++;
                return reply.AccessToken;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted
                && _current is { } stale && now < stale.Expires - TimeSpan.FromSeconds(30))
            {
                // Still valid: use it, and try again on the next call.
                return stale.Token;
            }
        }
        finally
        {
            _exchange.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _channel.Dispose();
        _exchange.Dispose();
    }
}
