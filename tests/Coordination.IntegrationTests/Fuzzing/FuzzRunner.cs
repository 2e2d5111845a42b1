using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Fuzzing;

/// <summary>
/// Sends bad requests to a real host over real gRPC (HTTP/2 sockets) from several workers at once,
/// interleaving a valid call after every tenth bad one. Request <c>i</c> of seed <c>s</c> is built
/// from <c>new Random(s * 1_000_003 + i)</c> alone, so one failing request can be regenerated.
/// </summary>
public sealed class FuzzRunner(PlatformHost host, FuzzWorld world, IReadOnlyList<Metadata> identities)
{
    private const int OversizedBytes = 4 * 1024 * 1024 + 1024;
    private static readonly Method<byte[], byte[]> UnknownInKnownService =
        FuzzTarget.RawMethod(MethodType.Unary, "coordination.v1.CaseService", "DeleteEverything");
    private static readonly Method<byte[], byte[]> UnknownService =
        FuzzTarget.RawMethod(MethodType.Unary, "coordination.v9.NoSuchService", "Get");

    private static readonly FuzzTarget[] Unary = [.. FuzzTarget.All.Where(t => !t.IsStreaming)];

    private readonly StructuredGenerator _structured = new(world);
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });

    /// <summary>Sends <paramref name="badRequests"/> bad requests from <paramref name="workers"/> concurrent workers.</summary>
    public async Task<FuzzReport> RunAsync(int seed, int badRequests, int workers)
    {
        var report = new FuzzReport { Seed = seed, HostRssBefore = host.ResidentSetBytes() };
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < badRequests)
            {
                var r = new Random(unchecked((seed * 1_000_003) + i));
                await OneBadRequest(i, r, report);
                if (i % 10 == 9)
                {
                    await OneValidCall(r, report);
                }
            }
        })));
        report.Duration = watch.Elapsed;
        report.HostRssAfter = host.ResidentSetBytes();
        return report;
    }

    private async Task OneBadRequest(int index, Random r, FuzzReport report)
    {
        var identity = identities[r.Next(identities.Count)];
        var roll = r.Next(100);
        if (roll < 2)
        {
            await UnknownMethod(index, r, identity, report);
            return;
        }
        if (roll < 5)
        {
            await RawFrame(index, r, identity, report);
            return;
        }
        var target = FuzzTarget.All[r.Next(FuzzTarget.All.Count)];
        var plausible = r.Next(2) == 0;
        var message = (plausible ? _structured.Plausible(target.Input, target.Names, r) : _structured.Generate(target.Input, r)).ToByteArray();
        string generator;
        var expect = (target.IsStreaming ? Expect.Streaming : Expect.None) | (target.ChecksPassword ? Expect.Unauthenticated : Expect.None);
        if (roll < 55)
        {
            generator = plausible ? "structured-near-valid" : "structured-random";
        }
        else
        {
            (message, var kind) = ByteMutator.Mutate(message, r);
            generator = "raw";
            _ = kind;
        }
        if (r.Next(2000) == 0)
        {
            // Now and then a message over the host's 4 MiB limit: unknown field 1000, length-delimited.
            message = [.. message, .. ByteMutator.Varint((1000 << 3) | 2), .. ByteMutator.Varint(OversizedBytes), .. new byte[OversizedBytes]];
        }
        if (message.Length > 4 * 1024 * 1024)
        {
            expect |= Expect.Oversized;
        }
        var (status, trailers) = await Call(target.Raw, message, identity, target.IsStreaming);
        report.Record(generator, status.StatusCode, FuzzReport.Judge(status, trailers, expect),
            () => $"#{index} {target.Path} body {Hex(message)}");
    }

    private async Task UnknownMethod(int index, Random r, Metadata identity, FuzzReport report)
    {
        var method = r.Next(2) == 0 ? UnknownInKnownService : UnknownService;
        var body = StructuredGenerator.RandomBytes(r, r.Next(0, 64));
        var (status, trailers) = await Call(method, body, identity, streaming: false);
        report.Record("unknown-method", status.StatusCode, FuzzReport.Judge(status, trailers, Expect.Unimplemented),
            () => $"#{index} {method.FullName}");
    }

    /// <summary>Calls with raw bytes; the answer's status and trailers, whatever the outcome.</summary>
    private async Task<(GrpcStatus, Metadata)> Call(Method<byte[], byte[]> method, byte[] body, Metadata identity, bool streaming)
    {
        var invoker = host.Channel.CreateCallInvoker();
        try
        {
            if (streaming)
            {
                var options = new CallOptions(identity, DateTime.UtcNow.AddMilliseconds(300));
                using var call = invoker.AsyncServerStreamingCall(method, null, options, body);
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    // Replayed events; the stream then waits for new ones until the deadline.
                }
                return (call.GetStatus(), call.GetTrailers());
            }
            using var unary = invoker.AsyncUnaryCall(method, null, new CallOptions(identity, DateTime.UtcNow.AddSeconds(20)), body);
            await unary.ResponseAsync;
            return (unary.GetStatus(), unary.GetTrailers());
        }
        catch (RpcException e)
        {
            return (e.Status, e.Trailers);
        }
    }

    /// <summary>
    /// A gRPC request written by hand over HTTP/2, with a frame header that lies: a length longer or
    /// shorter than the body, the compressed flag without (or with a bogus) grpc-encoding, a flag
    /// other than 0 or 1, a header cut short, two messages for a unary method.
    /// </summary>
    private async Task RawFrame(int index, Random r, Metadata identity, FuzzReport report)
    {
        var target = Unary[r.Next(Unary.Length)];
        var message = _structured.Generate(target.Input, r).ToByteArray();
        var variant = r.Next(11);
        string? encoding = null;
        var expect = target.ChecksPassword ? Expect.Unauthenticated : Expect.None;
        byte[] frame = variant switch
        {
            0 => Frame(0, (uint)message.Length + (uint)r.Next(1, 1000), message), // length longer than the body
            1 => Frame(0, (uint)Math.Max(0, message.Length - r.Next(1, 5)), message), // shorter: trailing data
            2 => Frame(1, (uint)message.Length, message), // compressed, but no grpc-encoding
            3 => Frame(1, (uint)message.Length, message), // "gzip" that is not gzip
            4 => Frame((byte)r.Next(2, 256), (uint)message.Length, message), // flag neither 0 nor 1
            5 => [.. Frame(0, (uint)message.Length, message)[..r.Next(0, 5)]], // header cut short
            6 => [.. Frame(0, (uint)message.Length, message), .. Frame(0, (uint)message.Length, message)], // two messages
            7 => Frame(1, (uint)message.Length, message), // an encoding the host does not support
            8 => Frame(0, uint.MaxValue, message), // a length over the limit
            9 => Frame(1, Gzip(message)), // really gzip: decoded, then judged like any request
            _ => Frame(1, GzipBomb), // a few KiB that inflate past the 4 MiB limit
        };
        if (variant == 3)
        {
            encoding = "gzip";
        }
        else if (variant == 7)
        {
            encoding = "x-snappy-fuzz";
            expect |= Expect.Unimplemented; // the gRPC compression spec requires UNIMPLEMENTED here
        }
        else if (variant == 8)
        {
            expect |= Expect.Oversized;
        }
        else if (variant >= 9)
        {
            encoding = "gzip";
            expect |= variant == 10 ? Expect.Oversized : Expect.None;
        }
        if (message.Length > 4 * 1024 * 1024)
        {
            // The generator can make a message over the host's limit (a long repeated field): RESOURCE_EXHAUSTED is right.
            expect |= Expect.Oversized;
        }
        var (status, trailers, httpProblem) = await SendFrameAsync(target.Path, frame, identity, encoding);
        var problem = httpProblem ?? FuzzReport.Judge(status, trailers, expect);
        var code = status.StatusCode;
        report.Record("frame", code, problem, () => $"#{index} {target.Path} frame variant {variant} {Hex(frame)}");
    }

    /// <summary>
    /// Posts <paramref name="frame"/> as the whole body of a gRPC call over HTTP/2 (prior knowledge);
    /// the answer's status and trailers, or a description of an answer that is not gRPC at all.
    /// </summary>
    public async Task<(GrpcStatus Status, Metadata Trailers, string? HttpProblem)> SendFrameAsync(
        string path, byte[] frame, Metadata identity, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{host.GrpcPort}{path}")
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation("authorization", identity.GetValue("authorization"));
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }
        try
        {
            using var response = await _http.SendAsync(request);
            var responseBody = await response.Content.ReadAsStringAsync();
            var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
            var trailers = new Metadata();
            foreach (var (name, values) in headers)
            {
                foreach (var value in values)
                {
                    if (name.EndsWith("-bin", StringComparison.Ordinal))
                    {
                        trailers.Add(name, Convert.FromBase64String(value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=')));
                    }
                    else if (name != "grpc-status" && name != "grpc-message")
                    {
                        trailers.Add(name, value);
                    }
                }
            }
            if (response.StatusCode != HttpStatusCode.OK || !headers.TryGetValues("grpc-status", out var statusValues))
            {
                return (new GrpcStatus(StatusCode.Unknown, ""), trailers, $"HTTP {(int)response.StatusCode} without grpc-status: {string.Join("; ", response.Headers.Select(h => h.Key + "=" + string.Join(",", h.Value)))} {responseBody}");
            }
            var detail = headers.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.First()) : "";
            return (new GrpcStatus((StatusCode)int.Parse(statusValues.First()), detail), trailers, null);
        }
        catch (HttpRequestException e)
        {
            return (new GrpcStatus(StatusCode.Unavailable, e.Message), new Metadata(), "HTTP request failed: " + e.Message);
        }
    }

    /// <summary>5 MiB of zeros, gzipped (a few KiB).</summary>
    public static readonly byte[] GzipBomb = Gzip(new byte[5 * 1024 * 1024]);

    /// <summary>A gRPC frame: flag, big-endian length, message.</summary>
    public static byte[] Frame(byte flag, byte[] message) => Frame(flag, (uint)message.Length, message);

    /// <summary>gzip of <paramref name="data"/>.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>A gRPC frame whose header says <paramref name="length"/>, whatever the message's length.</summary>
    public static byte[] Frame(byte flag, uint length, byte[] message)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A valid call a real client would make; it must succeed while the fuzzing goes on.</summary>
    private async Task OneValidCall(Random r, FuzzReport report)
    {
        var officer = identities[0];
        try
        {
            switch (r.Next(4))
            {
                case 0:
                    var ward = await new DirectoryService.DirectoryServiceClient(host.Channel)
                        .GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" }, officer);
                    report.RecordValid(ward.DisplayName == "Phường Hải Châu I", "GetWard: wrong ward");
                    break;
                case 1:
                    var list = await new CaseService.CaseServiceClient(host.Channel)
                        .ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1", PageSize = 5 }, officer);
                    report.RecordValid(list.Cases.Count > 0, "ListCases: no cases");
                    break;
                case 2:
                    var created = await new CaseService.CaseServiceClient(host.Channel)
                        .CreateCaseAsync(new CreateCaseRequest { RequestId = Guid.NewGuid().ToString(), Case = ValidCase() }, officer);
                    report.RecordValid(created.Name.StartsWith("cases/", StringComparison.Ordinal), "CreateCase: no name");
                    break;
                default:
                    var name = world.Cases[r.Next(world.Cases.Count)];
                    var got = await new CaseService.CaseServiceClient(host.Channel).GetCaseAsync(new GetCaseRequest { Name = name }, officer);
                    report.RecordValid(got.Name == name, "GetCase: wrong case");
                    break;
            }
        }
        catch (RpcException e)
        {
            report.RecordValid(false, $"{e.StatusCode}: {e.Status.Detail}");
        }
    }

    /// <summary>A valid hotline report for ward Hải Châu I.</summary>
    public static Case ValidCase() => new()
    {
        Ward = "wards/hai-chau-1",
        Source = IntakeSource.HotlineCall,
        Person = new Person { DisplayName = "Nguyễn Thị Hằng", Sex = Sex.Female, ApproximateAgeYears = 9 },
        Categories = { CaseCategory.Abused },
        Account = "Cháu bị đánh nhiều lần.",
    };

    /// <summary>A valid due time, two days ahead.</summary>
    public static Timestamp InTwoDays() => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2));

    private static string Hex(byte[] bytes) =>
        bytes.Length <= 512 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes[..512])}… ({bytes.Length} bytes)";
}
