using Coordination.IntegrationTests.Infrastructure;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Coordination.IntegrationTests.Fuzzing;

/// <summary>
/// Every RPC of the platform contract, called with raw bytes: the fuzzer builds or mutates the
/// serialized request itself and the host sees exactly those bytes in the gRPC frame.
/// </summary>
public sealed record FuzzTarget(MethodDescriptor Rpc, Method<byte[], byte[]> Raw)
{
    /// <summary>The request message type.</summary>
    public MessageDescriptor Input => Rpc.InputType;

    /// <summary>Whether the host answers with a stream (WatchEvents).</summary>
    public bool IsStreaming => Rpc.IsServerStreaming;

    /// <summary>The gRPC path, e.g. <c>/coordination.v1.CaseService/CreateCase</c>.</summary>
    public string Path => "/" + Raw.FullName.TrimStart('/');

    /// <summary>The collection the request's <c>name</c> field addresses.</summary>
    public string Names => Rpc.Service.Name switch
    {
        "CaseService" => "cases",
        "TaskService" => "tasks",
        "CounsellingService" => "counsellingSessions",
        "AccountService" => "users",
        "ConferenceService" or "ReportService" => "clusters",
        "DirectoryService" when Rpc.Name.Contains("Cluster", StringComparison.Ordinal) => "clusters",
        "DirectoryService" when Rpc.Name.Contains("Agenc", StringComparison.Ordinal) => "agencies",
        "TokenService" => "agencies",
        _ => "wards",
    };

    /// <summary>Whether the request itself carries a credential (TokenService.CreateToken's client secret).</summary>
    public bool CredentialsInRequest => Rpc.Service.Name == "TokenService" && Rpc.Name == "CreateToken";

    /// <summary>Whether the RPC changes state (not a Get/List/Watch).</summary>
    public bool IsMutating => !Rpc.Name.StartsWith("Get", StringComparison.Ordinal)
        && !Rpc.Name.StartsWith("List", StringComparison.Ordinal)
        && !Rpc.Name.StartsWith("Watch", StringComparison.Ordinal);

    /// <summary>
    /// Whether the RPC checks a password or a secret in the request (SignIn, ChangePassword,
    /// CreateToken): a wrong one is UNAUTHENTICATED by design.
    /// </summary>
    public bool ChecksPassword => (Rpc.Service.Name == "AccountService" && Rpc.Name is "SignIn" or "ChangePassword") || CredentialsInRequest;

    private static readonly Marshaller<byte[]> PassThrough = Marshallers.Create(b => b, b => b);

    /// <summary>
    /// All RPCs of package coordination.v1 as the contract assembly holds them (<see cref="Contract"/>:
    /// no hand-kept list, so a new service is fuzzed from the day it is added), in a stable order (so
    /// a seed reproduces).
    /// </summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
        [.. Contract.Methods.Select(m => new FuzzTarget(m, RawMethod(m.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary, m.Service.FullName, m.Name)))];

    /// <summary>A pass-through method for any path (also for methods the host does not have).</summary>
    public static Method<byte[], byte[]> RawMethod(MethodType type, string service, string name) =>
        new(type, service, name, PassThrough, PassThrough);
}
