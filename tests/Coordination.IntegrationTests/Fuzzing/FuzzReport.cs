using System.Collections.Concurrent;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Status = Grpc.Core.Status;

namespace Coordination.IntegrationTests.Fuzzing;

/// <summary>Counts of one fuzz run, and the verdict on each answer the host gave.</summary>
public sealed class FuzzReport
{
    private readonly ConcurrentDictionary<string, long> _byGenerator = new();
    private readonly ConcurrentDictionary<string, long> _byCode = new();
    private readonly ConcurrentDictionary<string, long> _byGeneratorAndCode = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private long _problemCount;
    private long _validCalls;
    private long _validOk;
    private readonly ConcurrentQueue<string> _validFailures = new();

    public int Seed { get; init; }
    public long BadRequests => _byGenerator.Values.Sum();
    public long ProblemCount => Interlocked.Read(ref _problemCount);
    public long ValidCalls => Interlocked.Read(ref _validCalls);
    public long ValidOk => Interlocked.Read(ref _validOk);
    public IEnumerable<string> Problems => _problems;
    public IEnumerable<string> ValidFailures => _validFailures;
    public long CodeCount(StatusCode code) => _byCode.GetValueOrDefault(code.ToString());
    public TimeSpan Duration { get; set; }
    public long HostRssBefore { get; set; }
    public long HostRssAfter { get; set; }

    /// <summary>Records one bad request's answer; <paramref name="problem"/> is null when the answer is acceptable.</summary>
    public void Record(string generator, StatusCode code, string? problem, Func<string> describe)
    {
        _byGenerator.AddOrUpdate(generator, 1, (_, n) => n + 1);
        _byCode.AddOrUpdate(code.ToString(), 1, (_, n) => n + 1);
        _byGeneratorAndCode.AddOrUpdate(generator + " " + code, 1, (_, n) => n + 1);
        if (problem is not null && (Interlocked.Increment(ref _problemCount) <= 40 || (generator != "raw" && _problems.Count < 200)))
        {
            _problems.Enqueue($"{problem} — {describe()}");
        }
    }

    /// <summary>Records an interleaved valid call.</summary>
    public void RecordValid(bool ok, string? failure)
    {
        Interlocked.Increment(ref _validCalls);
        if (ok)
        {
            Interlocked.Increment(ref _validOk);
        }
        else if (_validFailures.Count < 20)
        {
            _validFailures.Enqueue(failure ?? "?");
        }
    }

    /// <summary>
    /// Whether <paramref name="status"/> is an acceptable answer to a bad request: a specific code with
    /// the google.rpc details the contract promises, never INTERNAL, UNKNOWN or a rate-limit refusal.
    /// </summary>
    public static string? Judge(Status status, Metadata trailers, Expect expect)
    {
        var code = status.StatusCode;
        switch (code)
        {
            case StatusCode.OK:
                return null;
            case StatusCode.InvalidArgument:
                var rpc = RpcStatus(status, trailers);
                var bad = rpc?.GetDetail<BadRequest>();
                if (bad is null || bad.FieldViolations.Count == 0)
                {
                    return "INVALID_ARGUMENT without google.rpc.BadRequest field violations";
                }
                return bad.FieldViolations.Any(v => string.IsNullOrWhiteSpace(v.Field) || string.IsNullOrWhiteSpace(v.Description))
                    ? "BadRequest violation without field or description"
                    : null;
            case StatusCode.NotFound or StatusCode.PermissionDenied or StatusCode.FailedPrecondition
                or StatusCode.AlreadyExists or StatusCode.Aborted:
                return RpcStatus(status, trailers)?.GetDetail<ErrorInfo>() is { Domain: "coordination.v1" }
                    ? null
                    : $"{code} without google.rpc.ErrorInfo";
            case StatusCode.ResourceExhausted:
                if (RpcStatus(status, trailers)?.GetDetail<ErrorInfo>() is { Reason: "RATE_LIMITED" })
                {
                    return "rate limited (the fuzzer must not hit the rate limit)";
                }
                return expect.HasFlag(Expect.Oversized) ? null : "RESOURCE_EXHAUSTED for a message that is not oversized";
            case StatusCode.Unimplemented:
                return expect.HasFlag(Expect.Unimplemented) ? null : "UNIMPLEMENTED for a method the host has";
            case StatusCode.Unauthenticated:
                return expect.HasFlag(Expect.Unauthenticated) ? null : "UNAUTHENTICATED with a valid token";
            case StatusCode.DeadlineExceeded or StatusCode.Cancelled:
                return expect.HasFlag(Expect.Streaming) ? null : $"{code} on a unary call";
            default:
                return $"{code}: {status.Detail}";
        }
    }

    private static Google.Rpc.Status? RpcStatus(Status status, Metadata trailers) =>
        new RpcException(status, trailers).GetRpcStatus();

    /// <summary>The figures, as the reliability document shows them.</summary>
    public string Summary()
    {
        var s = new StringBuilder();
        s.AppendLine($"seed {Seed}; {BadRequests} bad requests in {Duration.TotalSeconds:F1} s; problems {ProblemCount}");
        s.AppendLine($"valid calls interleaved: {ValidCalls}, succeeded: {ValidOk} ({(ValidCalls == 0 ? 0 : 100.0 * ValidOk / ValidCalls):F2} %)");
        s.AppendLine($"host RSS: {HostRssBefore / (1024 * 1024)} MiB before, {HostRssAfter / (1024 * 1024)} MiB after");
        s.AppendLine("requests by generator: " + string.Join(", ", _byGenerator.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
        s.AppendLine("status codes: " + string.Join(", ", _byCode.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}")));
        foreach (var g in _byGeneratorAndCode.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            s.AppendLine($"  {g.Key}: {g.Value}");
        }
        return s.ToString();
    }
}

/// <summary>What a fuzzed request may legitimately get besides the usual rejections.</summary>
[Flags]
public enum Expect
{
    None = 0,
    Oversized = 1,
    Unimplemented = 2,
    Unauthenticated = 4,
    Streaming = 8,
}
