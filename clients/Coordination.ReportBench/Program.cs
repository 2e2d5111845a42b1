using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Coordination.ReportBench;
using Coordination.V1;
using Grpc.Core;
using Grpc.Net.Client;

// coord-report-bench generate --db CS [--cases 1000000] [--tasks-per-case 3] [--wards 100] [--seed 11]
// coord-report-bench measure --target URL --credentials FILE --quarter 2026-Q3 --ward wards/bench-w001 [--runs 20]
var options = new Dictionary<string, string>();
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
string Opt(string name, string fallback) => options.GetValueOrDefault(name, fallback);
int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

switch (args.FirstOrDefault())
{
    case "generate":
        await Generator.RunAsync(Opt("db", ""), Int("cases", 1_000_000), Int("tasks-per-case", 3), Int("wards", 100), Int("seed", 11));
        return 0;
    case "measure":
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Opt("credentials", ".bench-reports/dev-credentials.json")));
        var token = doc.RootElement.GetProperty("users").EnumerateArray().First(u => u.GetProperty("name").GetString() == "users/coordinator").GetProperty("token").GetString();
        using var channel = GrpcChannel.ForAddress(Opt("target", "http://127.0.0.1:5480"));
        var client = new ReportService.ReportServiceClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        foreach (var scope in new[] { "city", Opt("ward", "wards/bench-w001") })
        {
            var times = new List<double>();
            var runs = Int("runs", 20);
            for (var i = 0; i < runs + 2; i++)
            {
                var clock = Stopwatch.StartNew();
                var report = await client.GetReportAsync(new GetReportRequest { Scope = scope, Period = new ReportPeriod { Quarter = Opt("quarter", "2026-Q3") } }, headers);
                if (i >= 2)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
                if (i == 0)
                {
                    Console.WriteLine($"{scope}: {report.Cases.NewCases:N0} new cases, {report.Cases.OpenAtEnd:N0} open at the end, {report.Tasks.Total.Assigned:N0} tasks assigned, "
                        + $"emergencies {report.Clocks[0].Count:N0} ({report.Clocks[0].ShareMet:P1} met)");
                }
            }
            times.Sort();
            Console.WriteLine($"{scope}: GetReport end to end over {times.Count} runs (after 2 warm-up): p50 {Pct(times, 0.5):0} ms, p95 {Pct(times, 0.95):0} ms, max {times[^1]:0} ms");
        }
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: coord-report-bench generate --db CONNECTION_STRING [--cases N] [--tasks-per-case N] [--wards N]\n"
            + "       coord-report-bench measure --target URL --credentials FILE [--quarter 2026-Q3] [--ward wards/ID] [--runs N]");
        return 2;
}

static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
