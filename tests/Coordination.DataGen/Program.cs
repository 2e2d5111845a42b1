using System.Diagnostics;
using System.Globalization;
using Coordination.Api.Database;
using Coordination.DataGen;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;

// coord-datagen generate --db CS [--cases 1000000] [--seed 7] [--keep-indexes] [--migrate]
// coord-datagen bench --target URL --credentials FILE --cases N [--calls 1000] [--warmup 50] [--concurrency 4]
// coord-datagen wait-serving --target URL --since UNIX_SECONDS [--timeout 120]
var options = new Dictionary<string, string>();
var flags = new HashSet<string>();
for (var i = 1; i < args.Length; i++)
{
    var key = args[i].TrimStart('-');
    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
    {
        options[key] = args[++i];
    }
    else
    {
        flags.Add(key);
    }
}
string Opt(string name, string fallback) => options.GetValueOrDefault(name, fallback);
int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

switch (args.FirstOrDefault())
{
    case "generate":
    {
        await using var db = NpgsqlDataSource.Create(Opt("db", Environment.GetEnvironmentVariable("COORD_DB") ?? ""));
        if (flags.Contains("migrate"))
        {
            foreach (var name in await new MigrationRunner(db).ApplyAsync())
            {
                Console.WriteLine($"datagen: applied migration {name}");
            }
        }
        await Generator.RunAsync(db, Int("cases", 1_000_000), Int("seed", 7), DateTimeOffset.UtcNow, !flags.Contains("keep-indexes"), Console.Out);
        return 0;
    }
    case "bench":
    {
        var results = await QueryBench.RunAsync(Opt("target", "http://127.0.0.1:5482"), Opt("credentials", ".bench-scale/dev-credentials.json"),
            Int("cases", 1_000_000), Int("calls", 1000), Int("warmup", 50), Int("concurrency", 4), Int("seed", 7), Console.Out);
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale {r.Name}: p50 {r.P50:0.0} ms, p95 {r.P95:0.0} ms, p99 {r.P99:0.0} ms ({r.Calls} calls; max {r.Max:0.0} ms, {r.MeanItems:0.0} items a call)"));
        }
        return 0;
    }
    case "wait-serving":
    {
        // Seconds from --since (the host's launch, Unix time) until gRPC health answers SERVING.
        var since = DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(Opt("since", "0"), CultureInfo.InvariantCulture) * 1000));
        using var channel = GrpcChannel.ForAddress(Opt("target", "http://127.0.0.1:5482"));
        var health = new Health.HealthClient(channel);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed.TotalSeconds < Int("timeout", 120))
        {
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup: {(DateTimeOffset.UtcNow - since).TotalSeconds:0.0} s to SERVING"));
                    return 0;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // Not listening yet, or not serving yet.
            }
            await Task.Delay(50);
        }
        Console.WriteLine("startup: not SERVING within the timeout");
        return 1;
    }
    default:
        Console.Error.WriteLine("usage: coord-datagen generate --db CONNECTION_STRING [--cases N] [--seed N] [--keep-indexes] [--migrate]\n"
            + "       coord-datagen bench --target URL --credentials FILE --cases N [--calls N] [--warmup N] [--concurrency N]\n"
            + "       coord-datagen wait-serving --target URL --since UNIX_SECONDS [--timeout S]");
        return 2;
}
