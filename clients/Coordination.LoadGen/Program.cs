using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Coordination.LoadGen;
using Coordination.LoadGen.Echo;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// coord-loadgen echo-server --port 5099
// coord-loadgen run --target http://127.0.0.1:5080 --credentials .data/dev-credentials.json
//               --scenario transitions|getcase|echo|mixed --concurrency 16 --duration 15 [--output result.json]
// coord-loadgen run --scenario history --concurrency 4 --events 1000 (p50 of a change at ~10 vs ~1,000 history entries)
// coord-loadgen run --scenario mixed --rate 200/s --duration 60 --write-log writes.jsonl
// coord-loadgen verify --write-log writes.jsonl
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        coord-loadgen echo-server --port 5099
        coord-loadgen run --scenario transitions|getcase|echo --concurrency 16 --duration 15
                          [--target http://127.0.0.1:5080] [--credentials .data/dev-credentials.json] [--output result.json]
        coord-loadgen run --scenario mixed (--rate 200/s | --concurrency 16) --duration 60
                          [--target URL[,URL...]] [--credentials FILE] [--output result.json] [--write-log writes.jsonl]
                          [--call-timeout 5] [--retry-for 30] [--max-in-flight 2000]
        coord-loadgen run --scenario history [--concurrency 4] [--events 1000] [--window 50]
                          [--target URL] [--credentials FILE] [--output result.json]
        coord-loadgen verify --write-log writes.jsonl [--target URL] [--credentials FILE]
        coord-loadgen feedlag --writer URL --watcher URL [--rate 1000] [--duration 20] [--credentials FILE] [--output result.json]
        """);
    return 0;
}
var options = Options.Parse(args.Skip(1).ToArray());
if (args[0] == "echo-server")
{
    var builder = WebApplication.CreateBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddGrpc();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Number("port", 5099), l => l.Protocols = HttpProtocols.Http2));
    var app = builder.Build();
    app.MapGrpcService<EchoServer>();
    Console.WriteLine($"echo server on http://127.0.0.1:{options.Number("port", 5099)}");
    await app.RunAsync();
    return 0;
}

if (args[0] == "feedlag")
{
    return await FeedLag.RunAsync(options);
}
if (args[0] == "verify")
{
    return await MixedCommand.VerifyAsync(options);
}
var scenario = options.Text("scenario", "transitions");
if (scenario == "mixed")
{
    return await MixedCommand.RunAsync(options);
}
if (scenario == "history")
{
    return await HistoryScenario.RunAsync(options);
}
var concurrency = options.Number("concurrency", 16);
var duration = TimeSpan.FromSeconds(options.Number("duration", 15));
var warmup = TimeSpan.FromSeconds(options.Number("warmup", 3));
var target = options.Text("target", "http://127.0.0.1:5080");
using var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
});

Func<int, Task<Func<Task<string>>>> makeWorker = scenario switch
{
    "echo" => _ => Task.FromResult<Func<Task<string>>>(async () =>
    {
        await new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest { Payload = "x" });
        return "Echo";
    }),
    "getcase" => await Scenarios.GetCase(channel, options),
    "transitions" => await Scenarios.Transitions(channel, options),
    _ => throw new ArgumentException("Unknown scenario " + scenario),
};

Console.WriteLine($"preparing {concurrency} workers for '{scenario}' against {target} ...");
var workers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(makeWorker));
var recorder = new Recorder();
var started = Stopwatch.StartNew();
var stopAt = warmup + duration;
await Task.WhenAll(workers.Select(work => Task.Run(async () =>
{
    while (started.Elapsed < stopAt)
    {
        var t0 = Stopwatch.GetTimestamp();
        string method;
        string? error = null;
        try
        {
            method = await work();
        }
        catch (RpcException e)
        {
            method = "error";
            error = e.StatusCode.ToString();
        }
        if (started.Elapsed >= warmup)
        {
            recorder.Record(method, Stopwatch.GetElapsedTime(t0), error);
        }
    }
})));
var result = recorder.Summarise(scenario, concurrency, duration);
Console.WriteLine(result.Format());
if (options.Text("output", "") is { Length: > 0 } output)
{
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
}
return result.Errors.Count == 0 ? 0 : 1;
