using Coordination.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Coordination.Client;

/// <summary>Settings of a <see cref="CoordinationClient"/>.</summary>
public sealed class CoordinationClientOptions
{
    /// <summary>The platform's gRPC address, e.g. <c>https://coordination.danang.gov.vn</c>.</summary>
    public required Uri Address { get; init; }

    /// <summary>Returns the bearer token for each call (called per call, so it may refresh).</summary>
    public required Func<CancellationToken, ValueTask<string>> Token { get; init; }

    /// <summary>Deadline of each unary call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a call that failed with UNAVAILABLE is retried. Safe for changes too: every change
    /// carries a request id, and a retry sends the same one, so the platform applies it once.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// The longest wait between two attempts to reconnect to a platform that was unreachable (5 s by
    /// default). The gRPC library's own default is 2 minutes: after a platform restart of a few
    /// seconds, a client could go on failing fast for a minute or more while the platform already serves.
    /// </summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Send the bearer token over cleartext (<c>http://</c>) to a host that is not this machine's
    /// loopback. Off by default: the client refuses, because anyone on the path could take the token.
    /// Turn it on only when the network between is private and trusted (e.g. a sidecar proxy).
    /// </summary>
    public bool AllowCleartextToken { get; init; }
}

/// <summary>
/// One connection to the platform for a partner system or tool: the generated clients with the
/// token attached to every call, a deadline on every call and automatic retries of UNAVAILABLE.
/// Create one per process and reuse it.
/// </summary>
public sealed class CoordinationClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CoordinationClientOptions _options;

    /// <summary>Connects (lazily) to the platform.</summary>
    public CoordinationClient(CoordinationClientOptions options)
    {
        _options = options;
        if (options.Address.Scheme != Uri.UriSchemeHttps && !options.Address.IsLoopback && !options.AllowCleartextToken)
        {
            throw new ArgumentException(
                $"Refusing to send a token in cleartext to {options.Address.Host}: use https://, or set AllowCleartextToken only on a trusted private network. "
                + $"/ Không gửi token qua kết nối không mã hoá tới {options.Address.Host}: hãy dùng https://.", nameof(options));
        }
        var credentials = CallCredentials.FromInterceptor(async (context, metadata) =>
            metadata.Add("authorization", "Bearer " + await options.Token(context.CancellationToken)));
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(
                options.Address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = options.Address.Scheme != Uri.UriSchemeHttps,
            MaxReconnectBackoff = options.MaxReconnectBackoff,
            ServiceConfig = new ServiceConfig
            {
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        RetryPolicy = new RetryPolicy
                        {
                            MaxAttempts = options.MaxAttempts,
                            InitialBackoff = TimeSpan.FromMilliseconds(200),
                            MaxBackoff = TimeSpan.FromSeconds(3),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
        Tasks = new TaskService.TaskServiceClient(_channel);
        Partner = new PartnerService.PartnerServiceClient(_channel);
        Cases = new CaseService.CaseServiceClient(_channel);
        Wards = new WardService.WardServiceClient(_channel);
        Directory = new DirectoryService.DirectoryServiceClient(_channel);
        Reports = new ReportService.ReportServiceClient(_channel);
        Tokens = new TokenService.TokenServiceClient(_channel);
    }

    /// <summary>The generated token client (client secrets, revocation).</summary>
    public TokenService.TokenServiceClient Tokens { get; }

    /// <summary>The generated report client (statistics and exports).</summary>
    public ReportService.ReportServiceClient Reports { get; }

    /// <summary>The generated task client (use <see cref="Call"/> for a deadline).</summary>
    public TaskService.TaskServiceClient Tasks { get; }

    /// <summary>The generated partner feed client.</summary>
    public PartnerService.PartnerServiceClient Partner { get; }

    /// <summary>The generated case client.</summary>
    public CaseService.CaseServiceClient Cases { get; }

    /// <summary>The generated ward client.</summary>
    public WardService.WardServiceClient Wards { get; }

    /// <summary>The generated directory client.</summary>
    public DirectoryService.DirectoryServiceClient Directory { get; }

    /// <summary>Call options with the configured deadline.</summary>
    public CallOptions Call(CancellationToken ct = default) => new(deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: ct);

    /// <summary>A fresh request id for one logical change (keep it for every retry of that change).</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString();

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();
}
