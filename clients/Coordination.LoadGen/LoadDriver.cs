using System.Diagnostics;
using Task = System.Threading.Tasks.Task;

namespace Coordination.LoadGen;

/// <summary>
/// Runs an operation either closed loop (N workers, each starting its next call when the last one
/// ends) or open loop (calls started at a fixed rate whatever the latency, so a slow platform
/// shows as growing latency and in-flight calls, not as a politely lower offered load).
/// </summary>
public static class LoadDriver
{
    /// <summary>Closed loop: <paramref name="concurrency"/> workers until <paramref name="ct"/> is cancelled.</summary>
    public static Task ClosedLoopAsync(int concurrency, Func<CancellationToken, Task> operation, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                await operation(ct);
            }
        }, CancellationToken.None)));

    /// <summary>
    /// Open loop: starts <paramref name="perSecond"/> operations a second until <paramref name="ct"/> is
    /// cancelled, then waits for those in flight. Beyond <paramref name="maxInFlight"/> a start is
    /// skipped and counted in <paramref name="skipped"/>.
    /// </summary>
    public static async Task OpenLoopAsync(double perSecond, Func<CancellationToken, Task> operation, int maxInFlight, StrongBox<long> skipped, CancellationToken ct)
    {
        var inFlight = new HashSet<Task>();
        var clock = Stopwatch.StartNew();
        long started = 0;
        while (!ct.IsCancellationRequested)
        {
            var due = TimeSpan.FromSeconds(started / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            started++;
            lock (inFlight)
            {
                if (inFlight.Count >= maxInFlight)
                {
                    skipped.Value++;
                    continue;
                }
            }
            var t = Task.Run(() => operation(ct), CancellationToken.None);
            lock (inFlight)
            {
                inFlight.Add(t);
            }
            _ = t.ContinueWith(done => { lock (inFlight) { inFlight.Remove(done); } }, TaskScheduler.Default);
        }
        Task[] rest;
        lock (inFlight)
        {
            rest = [.. inFlight];
        }
        await Task.WhenAll(rest);
    }

    /// <summary>A live one-line progress display on stderr until <paramref name="ct"/> is cancelled.</summary>
    public static async Task ProgressAsync(Recorder recorder, Func<string> extra, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var interactive = !Console.IsErrorRedirected;
        long lastOk = 0;
        var lastAt = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(interactive ? 1000 : 5000, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            var ok = recorder.Succeeded;
            var now = clock.Elapsed;
            var rate = (ok - lastOk) / Math.Max(0.001, (now - lastAt).TotalSeconds);
            (lastOk, lastAt) = (ok, now);
            var line = $"[{now.TotalSeconds,5:F0} s] {ok} ok, {recorder.Failed} failed, {rate:F0} ok/s, {extra()}";
            if (interactive)
            {
                Console.Error.Write("\r" + line.PadRight(Math.Max(0, Console.WindowWidth - 1)));
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }
        if (interactive)
        {
            Console.Error.WriteLine();
        }
    }
}

/// <summary>A mutable box (for a counter an async method updates).</summary>
public sealed class StrongBox<T>(T value)
{
    /// <summary>The value.</summary>
    public T Value { get; set; } = value;
}
