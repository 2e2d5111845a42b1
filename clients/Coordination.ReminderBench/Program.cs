using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

// coord-reminder-bench --target http://127.0.0.1:5180 --credentials .bench-data/dev-credentials.json
//                      [--tasks 100000] [--burst 10000] [--concurrency 64] [--host-pid N] [--output result.json]
//
// 1. Schedules (tasks - burst) tasks due in 30 days (each keeps its follow-ups pending).
// 2. Schedules `burst` more whose due times fall within one minute, starting at a minute boundary
//    shortly after the last is created.
// 3. Waits for that minute to pass, then reads the agencies' feeds and measures, for each burst task,
//    the lag between its due time and its OVERDUE event.
var opts = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Opt(string name, string fallback) => opts.TryGetValue(name, out var v) ? v : fallback;
int Num(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var total = Num("tasks", 100_000);
var burst = Num("burst", 10_000);
var concurrency = Num("concurrency", 64);
var hostPid = Num("host-pid", 0);
using var channel = GrpcChannel.ForAddress(Opt("target", "http://127.0.0.1:5180"), new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
});
var creds = LoadCredentials(Opt("credentials", ".bench-data/dev-credentials.json"));
var viceChair = creds["users/hai-chau-1-vice-chair"];
var coordinator = creds["users/coordinator"];
var wards = new WardService.WardServiceClient(channel);
var agencies = (await new DirectoryService.DirectoryServiceClient(channel).ListAgenciesAsync(new ListAgenciesRequest { PageSize = 500 }, coordinator))
    .Agencies.Select(a => a.Name).ToArray();
Console.WriteLine($"{agencies.Length} agencies; scheduling {total - burst:N0} tasks due in 30 days, then {burst:N0} due within one minute");

long RssMiB() => hostPid == 0 ? -1 : File.ReadLines($"/proc/{hostPid}/status")
    .Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();
var rssBefore = RssMiB();

async Task<TimeSpan> Create(int count, Func<int, DateTimeOffset> due, string label)
{
    var sw = Stopwatch.StartNew();
    var next = -1;
    var failures = 0;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var request = new AssignTaskRequest
            {
                Ward = "wards/hai-chau-1", Assignee = agencies[i % agencies.Length], Title = $"{label} {i}", Instructions = "Đo độ trễ nhắc việc",
                DueTime = Timestamp.FromDateTimeOffset(due(i)), RequestId = $"{label}-{i}",
            };
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await wards.AssignTaskAsync(request, viceChair, DateTime.UtcNow.AddSeconds(30));
                    break;
                }
                catch (RpcException e) when (attempt < 5 && e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted)
                {
                    Interlocked.Increment(ref failures); // retried with the same request id: never a duplicate
                    await Task.Delay(200);
                }
            }
            if (i % 10_000 == 0)
            {
                Console.Error.WriteLine($"  {label}: {i:N0}/{count:N0} after {sw.Elapsed.TotalSeconds:F0} s");
            }
        }
    })));
    Console.WriteLine($"{label}: {count:N0} tasks in {sw.Elapsed.TotalSeconds:F1} s ({count / sw.Elapsed.TotalSeconds:F0}/s, {failures} retried calls)");
    return sw.Elapsed;
}

var far = DateTimeOffset.UtcNow.AddDays(30);
var backgroundTime = await Create(total - burst, _ => far, "background");
var rssScheduled = RssMiB();
// The burst minute starts at the first minute boundary at least (expected creation time + 30 s) ahead.
var expected = TimeSpan.FromSeconds(burst / ((total - burst) / Math.Max(backgroundTime.TotalSeconds, 1)) + 30);
var start = DateTimeOffset.UtcNow + expected;
var minute = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).AddMinutes(1);
var burstTime = await Create(burst, i => minute.AddMilliseconds(i * 60_000.0 / burst), "burst");
if (DateTimeOffset.UtcNow > minute)
{
    Console.WriteLine("WARNING: the burst tasks were still being created when the minute began; lags below include that.");
}
Console.WriteLine($"burst minute: {minute:HH:mm:ss} UTC; waiting for it to pass");
var waitUntil = minute.AddSeconds(90);
while (DateTimeOffset.UtcNow < waitUntil)
{
    await Task.Delay(TimeSpan.FromSeconds(5));
}
var rssAfter = RssMiB();

// Read every agency's feed and match OVERDUE events of the burst tasks.
var partner = new PartnerService.PartnerServiceClient(channel);
var lags = new List<double>();
var duplicates = 0;
var seen = new HashSet<string>();
foreach (var agency in agencies)
{
    long after = 0;
    while (true)
    {
        var page = await partner.ListEventsAsync(new ListEventsRequest { Agency = agency, AfterSequence = after, PageSize = 500 }, coordinator);
        foreach (var e in page.Events)
        {
            if (e.Type == PartnerEventType.Overdue && e.Task.Title.StartsWith("burst ", StringComparison.Ordinal))
            {
                if (!seen.Add(e.Task.Name))
                {
                    duplicates++;
                }
                lags.Add((e.Time.ToDateTimeOffset() - e.Task.DueTime.ToDateTimeOffset()).TotalSeconds);
            }
        }
        if (page.Events.Count == 0)
        {
            break;
        }
        after = page.Events[^1].Sequence;
    }
}
lags.Sort();
double P(double q) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)(q * lags.Count))];
var within10 = lags.Count(l => l <= 10);
Console.WriteLine($"""

    scheduled: {total - burst:N0} background tasks in {backgroundTime.TotalSeconds:F1} s, {burst:N0} burst tasks in {burstTime.TotalSeconds:F1} s
    host RSS: {rssBefore} MiB before, {rssScheduled} MiB with {total - burst:N0} scheduled, {rssAfter} MiB after the burst
    OVERDUE delivered for burst tasks: {lags.Count:N0} of {burst:N0} ({duplicates} duplicates)
    lag due → delivered: p50 {P(0.50):F2} s, p95 {P(0.95):F2} s, p99 {P(0.99):F2} s, max {(lags.Count == 0 ? double.NaN : lags[^1]):F2} s
    within 10 s: {within10:N0} ({(lags.Count == 0 ? 0 : 100.0 * within10 / burst):F1} %)
    """);
var output = Opt("output", "");
if (output.Length > 0)
{
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
    {
        tasks = total, burst, backgroundSeconds = backgroundTime.TotalSeconds, burstSeconds = burstTime.TotalSeconds,
        rssBeforeMiB = rssBefore, rssScheduledMiB = rssScheduled, rssAfterMiB = rssAfter,
        delivered = lags.Count, duplicates, lagP50 = P(0.50), lagP95 = P(0.95), lagP99 = P(0.99), lagMax = lags.Count == 0 ? double.NaN : lags[^1], within10,
    }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
}
return lags.Count == burst && duplicates == 0 ? 0 : 1;

static Dictionary<string, Metadata> LoadCredentials(string path)
{
    using var doc = JsonDocument.Parse(File.ReadAllText(path));
    var result = new Dictionary<string, Metadata>();
    foreach (var section in new[] { "users", "agencies" })
    {
        foreach (var e in doc.RootElement.GetProperty(section).EnumerateArray())
        {
            result[e.GetProperty("name").GetString()!] = new Metadata { { "authorization", "Bearer " + e.GetProperty("token").GetString() } };
        }
    }
    return result;
}
