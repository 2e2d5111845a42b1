using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Coordination.LoadGen;

/// <summary>Collects latencies per method and errors per status code.</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly ConcurrentDictionary<string, int> _methodErrors = new();
    private long _ok;
    private long _failed;

    /// <summary>Calls that succeeded so far.</summary>
    public long Succeeded => Interlocked.Read(ref _ok);

    /// <summary>Calls that failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Records one call.</summary>
    public void Record(string method, TimeSpan latency, string? error)
    {
        if (error is not null)
        {
            Interlocked.Increment(ref _failed);
            _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
            if (method != "error")
            {
                _methodErrors.AddOrUpdate(method + " " + error, 1, (_, n) => n + 1);
            }
            return;
        }
        Interlocked.Increment(ref _ok);
        _latencies.GetOrAdd(method, _ => []).Add(latency.TotalMilliseconds);
    }

    /// <summary>Failed calls per "method status" so far.</summary>
    public Dictionary<string, int> ErrorsByMethod => new(_methodErrors);

    /// <summary>The run's figures.</summary>
    public RunResult Summarise(string scenario, int concurrency, TimeSpan duration)
    {
        var methods = _latencies.OrderBy(p => p.Key).Select(p =>
        {
            var sorted = p.Value.Order().ToArray();
            double Pct(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            return new MethodResult(p.Key, sorted.Length, sorted.Length / duration.TotalSeconds, Pct(0.50), Pct(0.95), Pct(0.99));
        }).ToList();
        return new RunResult(scenario, concurrency, duration.TotalSeconds, methods.Sum(m => m.Calls) / duration.TotalSeconds, methods, new Dictionary<string, int>(_errors));
    }
}

/// <summary>Figures of one method.</summary>
public sealed record MethodResult(string Method, int Calls, double PerSecond, double P50Ms, double P95Ms, double P99Ms);

/// <summary>Figures of one run.</summary>
public sealed record RunResult(string Scenario, int Concurrency, double Seconds, double TotalPerSecond, List<MethodResult> Methods, Dictionary<string, int> Errors)
{
    /// <summary>Target rate of an open-loop run (calls started per second), 0 for closed loop.</summary>
    public double Rate { get; init; }

    /// <summary>Failed calls per method and status code.</summary>
    public Dictionary<string, int>? ErrorsByMethod { get; init; }

    /// <summary>Scenario-specific counters (writes acknowledged, feed events received, …).</summary>
    public Dictionary<string, long>? Counters { get; init; }

    /// <summary>A table for the console.</summary>
    public string Format()
    {
        var b = new StringBuilder();
        var load = Rate > 0 ? $"open loop at {Rate:F0} calls/s" : $"concurrency {Concurrency}";
        b.AppendLine(CultureInfo.InvariantCulture, $"scenario {Scenario}, {load}, {Seconds:F0} s: {TotalPerSecond:F0} calls/s");
        b.AppendLine("method                     calls     /s      p50 ms   p95 ms   p99 ms");
        foreach (var m in Methods)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"{m.Method,-24} {m.Calls,8} {m.PerSecond,7:F0} {m.P50Ms,9:F2} {m.P95Ms,8:F2} {m.P99Ms,8:F2}");
        }
        b.Append("errors: ").Append(Errors.Count == 0 ? "none" : string.Join(", ", Errors.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}")));
        if (ErrorsByMethod is { Count: > 0 })
        {
            b.AppendLine().Append("errors by method: ").Append(string.Join(", ", ErrorsByMethod.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}")));
        }
        if (Counters is { Count: > 0 })
        {
            b.AppendLine().Append("counters: ").Append(string.Join(", ", Counters.Select(e => $"{e.Key}={e.Value}")));
        }
        return b.ToString();
    }
}
