using System.Collections.Concurrent;
using System.Diagnostics;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Coordination.V1.TaskStatus;
using V1Task = Coordination.V1.Task;

namespace Coordination.LoadGen;

/// <summary>Settings of a <see cref="MixedWorkload"/>.</summary>
public sealed class MixedWorkloadOptions
{
    /// <summary>Wards whose officer, vice-chair and police system take part (the demo directory's ids).</summary>
    public IReadOnlyList<string> Wards { get; init; } = ["hai-chau-1", "thach-thang", "thanh-khe-dong", "xuan-ha", "an-hai-bac", "man-thai"];

    /// <summary>Deadline of each attempt.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a mutation is retried (UNAVAILABLE, DEADLINE_EXCEEDED, connection failures) with the
    /// same request id before it is given up as not acknowledged.
    /// </summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether reads and lists are part of the mix (fault tests may drive writes only).</summary>
    public bool Reads { get; init; } = true;
}

/// <summary>
/// Realistic traffic over real gRPC with the demo credentials: ward officers open cases, vice-chairs
/// assign tasks to their ward police, the police systems accept, start, report progress and complete
/// them, coordinators read and list, and each police system streams its feed. Every mutation goes to
/// the <see cref="WriteLog"/> with its request id and whether it was acknowledged.
/// </summary>
public sealed class MixedWorkload
{
    private const string Coordinator = "users/coordinator";
    private readonly IReadOnlyList<GrpcChannel> _channels;
    private readonly Dictionary<string, Metadata> _creds;
    private readonly Recorder _recorder;
    private readonly WriteLog? _log;
    private readonly MixedWorkloadOptions _options;
    private readonly List<(string Name, string Ward)> _cases = [];
    private readonly ConcurrentQueue<TaskRef> _idleTasks = new();
    private int _preferredChannel;
    private long _writesAcked;
    private long _writesUnacked;
    private long _retries;
    private long _feedEvents;
    private long _feedReconnects;
    private long _tasksCompleted;

    /// <summary>Creates the workload; <paramref name="channels"/> are tried in turn when one fails.</summary>
    public MixedWorkload(IReadOnlyList<GrpcChannel> channels, Dictionary<string, Metadata> credentials, Recorder recorder, WriteLog? log, MixedWorkloadOptions? options = null)
    {
        _channels = channels;
        _creds = credentials;
        _recorder = recorder;
        _log = log;
        _options = options ?? new();
    }

    /// <summary>Counters for the result file.</summary>
    public Dictionary<string, long> Counters => new()
    {
        ["writes_acknowledged"] = Interlocked.Read(ref _writesAcked),
        ["writes_not_acknowledged"] = Interlocked.Read(ref _writesUnacked),
        ["write_retries"] = Interlocked.Read(ref _retries),
        ["tasks_completed"] = Interlocked.Read(ref _tasksCompleted),
        ["feed_events_received"] = Interlocked.Read(ref _feedEvents),
        ["feed_reconnects"] = Interlocked.Read(ref _feedReconnects),
    };

    /// <summary>Acknowledged writes so far.</summary>
    public long WritesAcknowledged => Interlocked.Read(ref _writesAcked);

    /// <summary>Records, in the write log, how many cases and tasks the platform listed before the run.</summary>
    public async Task WriteBaselineAsync(CancellationToken ct)
    {
        var (cases, tasks) = await CountAsync(_channels[0], _creds, _options.Wards, ct);
        _log?.Append(new WriteRecord { Method = "_baseline", BaselineCases = cases, BaselineTasks = tasks, Time = DateTimeOffset.UtcNow, Acknowledged = true, Status = "OK" });
    }

    /// <summary>Runs one operation picked by the traffic mix.</summary>
    public async Task RunOneAsync(CancellationToken ct)
    {
        var roll = Random.Shared.NextDouble();
        int caseCount;
        lock (_cases)
        {
            caseCount = _cases.Count;
        }
        if (!_options.Reads)
        {
            roll *= 0.70;
        }
        if (roll < 0.45 && _idleTasks.TryDequeue(out var task))
        {
            await AdvanceAsync(task, ct);
        }
        else if (roll < 0.57 || caseCount == 0)
        {
            await CreateCaseAsync(ct);
        }
        else if (roll < 0.70)
        {
            await AssignTaskAsync(ct);
        }
        else if (roll < 0.85)
        {
            await ReadAsync(ct);
        }
        else
        {
            await ListAsync(ct);
        }
    }

    /// <summary>Streams every police system's feed (WatchEvents) until <paramref name="ct"/> is cancelled, reconnecting after failures.</summary>
    public Task WatchFeedsAsync(CancellationToken ct) => Task.WhenAll(_options.Wards.Select(w => WatchAsync($"agencies/{w}-police", ct)));

    private async Task WatchAsync(string agency, CancellationToken ct)
    {
        long cursor = 0;
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            var client = new PartnerService.PartnerServiceClient(_channels[attempt++ % _channels.Count]);
            try
            {
                using var call = client.WatchEvents(new WatchEventsRequest { Agency = agency, AfterSequence = cursor }, _creds[agency], cancellationToken: ct);
                while (await call.ResponseStream.MoveNext(ct))
                {
                    var e = call.ResponseStream.Current;
                    if (e.Sequence > cursor)
                    {
                        cursor = e.Sequence;
                        Interlocked.Increment(ref _feedEvents);
                    }
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e)
            {
                _recorder.Record("WatchEvents", TimeSpan.Zero, e.StatusCode.ToString());
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                _recorder.Record("WatchEvents", TimeSpan.Zero, StatusCode.Unavailable.ToString());
            }
            Interlocked.Increment(ref _feedReconnects);
            await Task.Delay(500, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task CreateCaseAsync(CancellationToken ct)
    {
        var ward = _options.Wards[Random.Shared.Next(_options.Wards.Count)];
        var n = Random.Shared.Next(1000, 9999);
        var request = new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/" + ward,
                Source = IntakeSource.HotlineCall,
                Categories = { CaseCategory.Neglect },
                // A distinct made-up name per case: the intake refuses a likely duplicate (same name and age).
                Person = new Person { DisplayName = $"Trẻ thử tải {n} {Guid.NewGuid().ToString("N")[..8]}", Sex = Sex.Unknown, ApproximateAgeYears = 6 + n % 10 },
                Account = "Hàng xóm báo trẻ thường ở nhà một mình.",
            },
        };
        var created = await WriteAsync("CreateCase", request.RequestId, "wards/" + ward, "",
            (ch, o) => new CaseService.CaseServiceClient(ch).CreateCaseAsync(request, o), c => c.Name, $"users/{ward}-officer", ct);
        if (created is not null)
        {
            lock (_cases)
            {
                _cases.Add((created.Name, ward));
            }
        }
    }

    private async Task AssignTaskAsync(CancellationToken ct)
    {
        (string Name, string Ward) c;
        lock (_cases)
        {
            c = _cases[Random.Shared.Next(_cases.Count)];
        }
        var request = new AssignTaskRequest
        {
            Ward = "wards/" + c.Ward, Case = c.Name, Assignee = $"agencies/{c.Ward}-police",
            Title = "Xác minh tình hình gia đình", Instructions = "Đến nhà, gặp trẻ và người chăm sóc.",
            Priority = TaskPriority.Routine, DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(14)),
            RequestId = Guid.NewGuid().ToString(),
        };
        var task = await WriteAsync("AssignTask", request.RequestId, c.Name, TaskStatus.Requested.ToString(),
            (ch, o) => new WardService.WardServiceClient(ch).AssignTaskAsync(request, o), t => t.Name, $"users/{c.Ward}-vice-chair", ct);
        if (task is not null)
        {
            _idleTasks.Enqueue(new TaskRef(task.Name, c.Ward, TaskStatus.Requested, 0));
        }
    }

    private async Task AdvanceAsync(TaskRef t, CancellationToken ct)
    {
        var police = $"agencies/{t.Ward}-police";
        var rid = Guid.NewGuid().ToString();
        (string Method, TaskStatus Next, Func<GrpcChannel, CallOptions, AsyncUnaryCall<V1Task>> Call) step = t.Status switch
        {
            TaskStatus.Requested => ("AcceptTask", TaskStatus.Accepted,
                (ch, o) => new TaskService.TaskServiceClient(ch).AcceptTaskAsync(new AcceptTaskRequest { Name = t.Name, RequestId = rid, Note = "Đã nhận" }, o)),
            TaskStatus.Accepted => ("StartTask", TaskStatus.InProgress,
                (ch, o) => new TaskService.TaskServiceClient(ch).StartTaskAsync(new StartTaskRequest { Name = t.Name, RequestId = rid }, o)),
            _ when t.Progress < 1 => ("ReportProgress", TaskStatus.InProgress,
                (ch, o) => new TaskService.TaskServiceClient(ch).ReportProgressAsync(new ReportProgressRequest { Name = t.Name, RequestId = rid, Note = "Đã làm việc với gia đình" }, o)),
            _ => ("CompleteTask", TaskStatus.Completed,
                (ch, o) => new TaskService.TaskServiceClient(ch).CompleteTaskAsync(new CompleteTaskRequest
                {
                    Name = t.Name, RequestId = rid,
                    Outcome = new OutcomeReport { ActionsTaken = "Thăm gia đình, lập biên bản", Result = "Trẻ được người thân chăm sóc" },
                }, o)),
        };
        var done = await WriteAsync(step.Method, rid, t.Name, step.Next.ToString(), step.Call, x => x.Name, police, ct);
        if (done is null)
        {
            // Not acknowledged: its state is uncertain, so the workload leaves the task alone.
            return;
        }
        if (step.Next == TaskStatus.Completed)
        {
            Interlocked.Increment(ref _tasksCompleted);
            return;
        }
        _idleTasks.Enqueue(t with { Status = step.Next, Progress = step.Method == "ReportProgress" ? t.Progress + 1 : t.Progress });
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        var coordinator = _creds[Coordinator];
        if (Random.Shared.Next(2) == 0 && _idleTasks.TryPeek(out var t))
        {
            await ReadCallAsync("GetTask", ch => new TaskService.TaskServiceClient(ch).GetTaskAsync(new GetTaskRequest { Name = t.Name }, Options(coordinator, ct)).ResponseAsync);
            return;
        }
        string name;
        lock (_cases)
        {
            if (_cases.Count == 0)
            {
                return;
            }
            name = _cases[Random.Shared.Next(_cases.Count)].Name;
        }
        await ReadCallAsync("GetCase", ch => new CaseService.CaseServiceClient(ch).GetCaseAsync(new GetCaseRequest { Name = name }, Options(coordinator, ct)).ResponseAsync);
    }

    private async Task ListAsync(CancellationToken ct)
    {
        var ward = _options.Wards[Random.Shared.Next(_options.Wards.Count)];
        if (Random.Shared.Next(2) == 0)
        {
            await ReadCallAsync("ListCases", ch => new CaseService.CaseServiceClient(ch).ListCasesAsync(
                new ListCasesRequest { Ward = "wards/" + ward, PageSize = 20 }, Options(_creds[$"users/{ward}-officer"], ct)).ResponseAsync);
        }
        else
        {
            var police = $"agencies/{ward}-police";
            await ReadCallAsync("ListTasks", ch => new TaskService.TaskServiceClient(ch).ListTasksAsync(
                new ListTasksRequest { Assignee = police, PageSize = 20 }, Options(_creds[police], ct)).ResponseAsync);
        }
    }

    private CallOptions Options(Metadata headers, CancellationToken ct) => new(headers, DateTime.UtcNow + _options.CallTimeout, ct);

    private async Task ReadCallAsync<T>(string method, Func<GrpcChannel, Task<T>> call)
    {
        var t0 = Stopwatch.GetTimestamp();
        var channel = _channels[Volatile.Read(ref _preferredChannel) % _channels.Count];
        try
        {
            await call(channel);
            _recorder.Record(method, Stopwatch.GetElapsedTime(t0), null);
        }
        catch (RpcException e)
        {
            // Cancelled only when the run stops (reads carry the run's token): not a platform error.
            if (e.StatusCode != StatusCode.Cancelled)
            {
                _recorder.Record(method, Stopwatch.GetElapsedTime(t0), e.StatusCode.ToString());
            }
        }
    }

    /// <summary>
    /// One mutation: attempts until OK, a non-retryable status, or the retry window closes; every
    /// attempt carries the same request id and moves to the next channel after a failure.
    /// </summary>
    private async Task<T?> WriteAsync<T>(
        string method, string requestId, string target, string expect,
        Func<GrpcChannel, CallOptions, AsyncUnaryCall<T>> call, Func<T, string> name, string principal, CancellationToken ct)
        where T : class
    {
        var headers = _creds[principal];
        var giveUpAt = DateTime.UtcNow + _options.RetryFor;
        var pause = TimeSpan.FromMilliseconds(100);
        var attempts = 0;
        var channelIndex = Volatile.Read(ref _preferredChannel);
        while (true)
        {
            attempts++;
            var t0 = Stopwatch.GetTimestamp();
            StatusCode code;
            try
            {
                var result = await call(_channels[channelIndex % _channels.Count], new CallOptions(headers, DateTime.UtcNow + _options.CallTimeout, CancellationToken.None));
                _recorder.Record(method, Stopwatch.GetElapsedTime(t0), null);
                Volatile.Write(ref _preferredChannel, channelIndex);
                Interlocked.Increment(ref _writesAcked);
                _log?.Append(new WriteRecord
                {
                    RequestId = requestId, Method = method, Target = target, Name = name(result), Acknowledged = true,
                    Status = "OK", Attempts = attempts, Expect = expect, Time = DateTimeOffset.UtcNow,
                });
                return result;
            }
            catch (RpcException e)
            {
                code = e.StatusCode;
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                code = StatusCode.Unavailable;
            }
            _recorder.Record(method, Stopwatch.GetElapsedTime(t0), code.ToString());
            var retryable = code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted;
            // The end of the run does not cut retries short: each logged write ends acknowledged or
            // definitely given up, never abandoned half-way.
            if (!retryable || DateTime.UtcNow + pause > giveUpAt)
            {
                Interlocked.Increment(ref _writesUnacked);
                _log?.Append(new WriteRecord
                {
                    RequestId = requestId, Method = method, Target = target, Acknowledged = false,
                    Status = code.ToString(), Attempts = attempts, Expect = expect, Time = DateTimeOffset.UtcNow,
                });
                return null;
            }
            Interlocked.Increment(ref _retries);
            channelIndex++;
            await Task.Delay(pause, CancellationToken.None);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    /// <summary>Cases and tasks the platform lists across <paramref name="wards"/> (coordinator view, closed included).</summary>
    public static async Task<(int Cases, int Tasks)> CountAsync(GrpcChannel channel, Dictionary<string, Metadata> creds, IEnumerable<string> wards, CancellationToken ct)
    {
        var cases = 0;
        var tasks = 0;
        var coordinator = creds[Coordinator];
        foreach (var ward in wards)
        {
            var token = "";
            do
            {
                var page = await new CaseService.CaseServiceClient(channel).ListCasesAsync(
                    new ListCasesRequest { Ward = "wards/" + ward, IncludeClosed = true, PageSize = 500, PageToken = token }, coordinator, DateTime.UtcNow.AddSeconds(30), ct);
                cases += page.Cases.Count;
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            do
            {
                var page = await new TaskService.TaskServiceClient(channel).ListTasksAsync(
                    new ListTasksRequest { Assignee = $"agencies/{ward}-police", PageSize = 500, PageToken = token }, coordinator, DateTime.UtcNow.AddSeconds(30), ct);
                tasks += page.Tasks.Count;
                token = page.NextPageToken;
            }
            while (token.Length > 0);
        }
        return (cases, tasks);
    }

    private sealed record TaskRef(string Name, string Ward, TaskStatus Status, int Progress);
}
