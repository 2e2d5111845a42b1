using Coordination.IntegrationTests.Fuzzing;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.Silo.Common;
using Coordination.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit.Abstractions;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Malformed input: thousands of bad requests (structured, byte-mutated, hand-written frames,
/// unknown methods) against a real host over real HTTP/2. Every answer must be a specific status
/// with its google.rpc details — never INTERNAL or UNKNOWN — and valid calls made in between must
/// all succeed. COORD_FUZZ_REQUESTS sets the number of bad requests (default 5,000; the long form
/// runs 100 000), COORD_FUZZ_SEED the seed, COORD_FUZZ_REPORT a file for the figures.
/// </summary>
[Collection(Lanes.Work)]
public sealed class MalformedInputFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Officer = "users/hai-chau-1-officer";
    private const string ViceChair = "users/hai-chau-1-vice-chair";
    private const string Police = "agencies/hai-chau-1-police";

    private TestDatabase _db = null!;
    private PlatformHost _host = null!;
    private Credentials _as = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var dataDir = Directory.CreateTempSubdirectory("coord-fuzz-").FullName;
        // The fuzzer is one client sending as fast as it can: lift the per-credential rate limit so that
        // no answer is a rate-limit refusal (the limiter itself is covered by LimitsTests).
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, dataDir: dataDir, environment: new Dictionary<string, string>
        {
            ["Limits__CallsPerSecond"] = "1000000",
            ["Limits__Burst"] = "1000000",
            // CreateToken is fuzzed from one address: its guessing limit is not what is under test here.
            ["Security__TokenRequestsPerAddressBurst"] = "1000000",
            ["Security__TokenRequestsPerAddressPerMinute"] = "1000000",
            ["Security__TokenRequestsPerClientBurst"] = "1000000",
            ["Security__TokenRequestsPerClientPerMinute"] = "1000000",
            // Fuzzed sign-ins come from one address: lift the sign-in limits too (SignInLimitTests covers them).
            ["Accounts__SignInsPerAddressBurst"] = "1000000",
            ["Accounts__SignInsPerAddressPerMinute"] = "1000000",
            ["Accounts__SignInsPerUsernameBurst"] = "1000000",
            ["Accounts__SignInsPerUsernamePerMinute"] = "1000000",
        });
        _as = Credentials.Load(dataDir);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Bad_requests_get_specific_statuses_never_internal_and_valid_calls_keep_working()
    {
        var requests = int.TryParse(Environment.GetEnvironmentVariable("COORD_FUZZ_REQUESTS"), out var n) ? n : 5_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COORD_FUZZ_SEED"), out var s) ? s : 20261125;
        var world = await BuildWorld();
        var identities = new[]
        {
            _as.As(Officer),
            _as.As(ViceChair),
            _as.As(Police),
            Bearer(new Actor("users/test-coordinator", "Điều phối viên thử", Actor.CentreCoordinator, "city")),
            Bearer(new Actor("users/test-auditor", "Kiểm tra viên thử", Actor.Auditor, "city")),
        };

        var report = await new FuzzRunner(_host, world, identities).RunAsync(seed, requests, workers: 8);

        var summary = report.Summary();
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("COORD_FUZZ_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, summary + "\n" + string.Join("\n", report.Problems) + "\n" + string.Join("\n", report.ValidFailures));
            await File.WriteAllTextAsync(path + ".host.log", _host.Output);
        }
        Assert.False(_host.HasExited, "The host died during fuzzing:\n" + _host.Output);
        Assert.Equal(requests, report.BadRequests);
        Assert.True(report.ProblemCount == 0,
            $"{report.ProblemCount} unacceptable answers (seed {seed}):\n" + string.Join("\n", report.Problems) + "\n" + summary);
        Assert.Equal(0, report.CodeCount(StatusCode.Internal) + report.CodeCount(StatusCode.Unknown));
        Assert.True(report.ValidCalls >= requests / 10 && report.ValidOk == report.ValidCalls,
            $"valid calls failed during fuzzing:\n{string.Join("\n", report.ValidFailures)}\n{summary}");
        var health = await new Health.HealthClient(_host.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        // The audit trail survived too (bad requests are audited as well, with the names they sent):
        // a call made now reaches audit_events within seconds.
        var after = await new CaseService.CaseServiceClient(_host.Channel)
            .CreateCaseAsync(new CreateCaseRequest { RequestId = "fuzz-after", Case = FuzzRunner.ValidCase() }, _as.As(Officer));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long audited;
        while ((audited = await _db.ScalarAsync<long>($"select count(*) from audit_events where resource = '{after.Name}'")) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(audited > 0, "The audit log stopped writing during fuzzing:\n" + _host.Output[^Math.Min(_host.Output.Length, 4000)..]);
    }

    [Fact]
    public async Task Malformed_frames_and_undecodable_bodies_are_refused_naming_the_body()
    {
        var runner = new FuzzRunner(_host, new FuzzWorld(), [_as.As(Officer)]);
        var get = new GetWardRequest { Name = "wards/hai-chau-1" }.ToByteArray();
        var cases = new (string What, byte[] Frame, string? Encoding, StatusCode Code)[]
        {
            ("well-formed", FuzzRunner.Frame(0, get), null, StatusCode.OK),
            ("real gzip", FuzzRunner.Frame(1, FuzzRunner.Gzip(get)), "gzip", StatusCode.OK),
            ("length longer than the body", FuzzRunner.Frame(0, (uint)get.Length + 10, get), null, StatusCode.InvalidArgument),
            ("length shorter than the body", FuzzRunner.Frame(0, (uint)get.Length - 2, get), null, StatusCode.InvalidArgument),
            ("two messages for a unary method", [.. FuzzRunner.Frame(0, get), .. FuzzRunner.Frame(0, get)], null, StatusCode.InvalidArgument),
            ("header cut short", [0, 0, 0], null, StatusCode.InvalidArgument),
            ("compressed flag without grpc-encoding", FuzzRunner.Frame(1, get), null, StatusCode.InvalidArgument),
            ("compressed flag 2", FuzzRunner.Frame(2, get), null, StatusCode.InvalidArgument),
            ("gzip that is not gzip", FuzzRunner.Frame(1, get), "gzip", StatusCode.InvalidArgument),
            ("not a protobuf message", FuzzRunner.Frame(0, [0x0A, 0xFF]), null, StatusCode.InvalidArgument),
            ("length over the limit", FuzzRunner.Frame(0, uint.MaxValue, get), null, StatusCode.ResourceExhausted),
            ("gzip bomb", FuzzRunner.Frame(1, FuzzRunner.GzipBomb), "gzip", StatusCode.ResourceExhausted),
            ("unsupported encoding", FuzzRunner.Frame(1, get), "x-unknown", StatusCode.Unimplemented),
        };
        foreach (var (what, frame, encoding, code) in cases)
        {
            var (status, trailers, problem) = await runner.SendFrameAsync("/coordination.v1.DirectoryService/GetWard", frame, _as.As(Officer), encoding);
            Assert.True(problem is null, $"{what}: {problem}");
            Assert.True(status.StatusCode == code, $"{what}: expected {code}, got {status.StatusCode} ({status.Detail})");
            if (code is StatusCode.InvalidArgument or StatusCode.ResourceExhausted)
            {
                var badRequest = new RpcException(status, trailers).GetRpcStatus()?.GetDetail<BadRequest>();
                Assert.True(badRequest is not null, $"{what}: no BadRequest");
                Assert.Equal("body", Assert.Single(badRequest.FieldViolations).Field);
            }
        }

        // A decodable message with a timestamp outside 0001–9999: the field is named.
        await RpcAssert.FailsWithFields(() => new TaskService.TaskServiceClient(_host.Channel).ListTasksAsync(
            new ListTasksRequest { DueBefore = new Timestamp { Seconds = long.MaxValue } }, _as.As(Officer)).ResponseAsync, "due_before");
    }

    [Fact]
    public async Task A_request_id_reused_for_a_reassignment_answers_with_the_task_instead_of_failing()
    {
        // Found by the fuzzer (seed 20261125, request #86322): the task grain took the reused id for a
        // retried reassignment and looked up a replacement that did not exist (UNKNOWN).
        var world = await BuildWorld();
        var tasks = new TaskService.TaskServiceClient(_host.Channel);
        var task = world.Tasks[0];
        await tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = task, RequestId = "reused-id" }, _as.As(Police));

        var answer = await tasks.ReassignTaskAsync(new ReassignTaskRequest
        {
            Name = task, Assignee = "agencies/danang-swc", Reason = "Chuyển Trung tâm", RequestId = "reused-id",
        }, _as.As(ViceChair));

        Assert.Equal(task, answer.Name);
        Assert.Equal(Police, answer.Assignee);
        Assert.Equal("", answer.ReplacedBy);
    }

    private Metadata Bearer(Actor actor) => new() { { "authorization", "Bearer " + _host.TokenFor(actor) } };

    /// <summary>Real cases, tasks, etags and page tokens, so fuzzed requests can name things that exist.</summary>
    private async Task<FuzzWorld> BuildWorld()
    {
        var world = new FuzzWorld();
        var cases = new CaseService.CaseServiceClient(_host.Channel);
        var wards = new WardService.WardServiceClient(_host.Channel);
        for (var i = 0; i < 6; i++)
        {
            var opened = await cases.CreateCaseAsync(new CreateCaseRequest { RequestId = $"fuzz-world-{i}", Case = FuzzRunner.ValidCase() }, _as.As(Officer));
            world.Cases.Add(opened.Name);
            world.Etags.Add(opened.Etag);
            var task = await wards.AssignTaskAsync(new AssignTaskRequest
            {
                Ward = "wards/hai-chau-1", Case = opened.Name, Assignee = Police, Title = "Xác minh", Instructions = "Xác minh tình hình",
                DueTime = FuzzRunner.InTwoDays(), RequestId = $"fuzz-task-{i}",
            }, _as.As(ViceChair));
            world.Tasks.Add(task.Name);
            world.Etags.Add(task.Etag);
        }
        var page = await cases.ListCasesAsync(new ListCasesRequest { Ward = "wards/hai-chau-1", PageSize = 2 }, _as.As(Officer));
        world.PageTokens.Add(page.NextPageToken);
        var tasks = await new TaskService.TaskServiceClient(_host.Channel).ListTasksAsync(new ListTasksRequest { Assignee = Police, PageSize = 2 }, _as.As(Police));
        world.PageTokens.Add(tasks.NextPageToken);
        return world;
    }
}
