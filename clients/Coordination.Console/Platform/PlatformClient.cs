using Coordination.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Coordination.WebConsole.Platform;

/// <summary>
/// The console's one connection to the platform: the generated clients of the contract, each call
/// carrying the signed-in person's own token (never a console credential), so the platform decides
/// what each person sees and may do.
/// </summary>
public sealed class PlatformClient : IDisposable
{
    private readonly GrpcChannel _channel;

    /// <summary>Connects (lazily) to <see cref="ConsoleOptions.PlatformUrl"/>.</summary>
    public PlatformClient(IOptions<ConsoleOptions> options, IHttpContextAccessor http)
    {
        var o = options.Value;
        _channel = GrpcChannel.ForAddress(o.PlatformUrl, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // A stopped platform must show as a banner quickly, not after a long connect wait.
                ConnectTimeout = TimeSpan.FromSeconds(3),
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            },
            MaxReceiveMessageSize = 8 * 1024 * 1024,
            // Back within 2 s of the platform: the library's default lets the wait between reconnect
            // attempts grow to 2 minutes, so a restart of a few seconds kept the banner up for a minute.
            MaxReconnectBackoff = TimeSpan.FromSeconds(2),
        });
        var invoker = _channel.Intercept(new PersonTokenInterceptor(http, o.CallTimeout));
        Accounts = new AccountService.AccountServiceClient(invoker);
        Audit = new AuditService.AuditServiceClient(invoker);
        Calendar = new CalendarService.CalendarServiceClient(invoker);
        Cases = new CaseService.CaseServiceClient(invoker);
        Conferences = new ConferenceService.ConferenceServiceClient(invoker);
        Counselling = new CounsellingService.CounsellingServiceClient(invoker);
        Directory = new DirectoryService.DirectoryServiceClient(invoker);
        Inbox = new InboxService.InboxServiceClient(invoker);
        Partner = new PartnerService.PartnerServiceClient(invoker);
        Reports = new ReportService.ReportServiceClient(invoker);
        Tasks = new TaskService.TaskServiceClient(invoker);
        Wards = new WardService.WardServiceClient(invoker);
    }

    /// <summary>Accounts and sign-in.</summary>
    public AccountService.AccountServiceClient Accounts { get; }

    /// <summary>The audit trail.</summary>
    public AuditService.AuditServiceClient Audit { get; }

    /// <summary>The working-day calendar.</summary>
    public CalendarService.CalendarServiceClient Calendar { get; }

    /// <summary>Case records.</summary>
    public CaseService.CaseServiceClient Cases { get; }

    /// <summary>Quarterly case conferences.</summary>
    public ConferenceService.ConferenceServiceClient Conferences { get; }

    /// <summary>Counselling sessions.</summary>
    public CounsellingService.CounsellingServiceClient Counselling { get; }

    /// <summary>Wards, clusters and agencies.</summary>
    public DirectoryService.DirectoryServiceClient Directory { get; }

    /// <summary>Ward and Centre inboxes.</summary>
    public InboxService.InboxServiceClient Inbox { get; }

    /// <summary>An agency's feed (a liaison's inbox).</summary>
    public PartnerService.PartnerServiceClient Partner { get; }

    /// <summary>Statistics and exports.</summary>
    public ReportService.ReportServiceClient Reports { get; }

    /// <summary>Referrals and assignments.</summary>
    public TaskService.TaskServiceClient Tasks { get; }

    /// <summary>Ward summaries and the vice-chair's assignments.</summary>
    public WardService.WardServiceClient Wards { get; }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    /// <summary>Adds the person's token (from the session cookie of the current request) and a deadline.</summary>
    private sealed class PersonTokenInterceptor(IHttpContextAccessor http, TimeSpan timeout) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithPerson(context, DateTime.UtcNow + timeout));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithPerson(context, context.Options.Deadline));

        private ClientInterceptorContext<TRequest, TResponse> WithPerson<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, DateTime? deadline)
            where TRequest : class where TResponse : class
        {
            var headers = context.Options.Headers ?? [];
            if (Session.TokenOf(http.HttpContext?.User) is { Length: > 0 } token && headers.Get("authorization") is null)
            {
                headers.Add("authorization", "Bearer " + token);
            }
            var options = context.Options.WithHeaders(headers);
            if (context.Options.Deadline is null && deadline is not null)
            {
                options = options.WithDeadline(deadline.Value);
            }
            var cancellation = http.HttpContext?.RequestAborted ?? default;
            if (!context.Options.CancellationToken.CanBeCanceled && cancellation.CanBeCanceled)
            {
                options = options.WithCancellationToken(cancellation);
            }
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
        }
    }
}
