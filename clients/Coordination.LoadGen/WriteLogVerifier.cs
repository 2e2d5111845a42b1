using Coordination.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

namespace Coordination.LoadGen;

/// <summary>What <see cref="WriteLogVerifier"/> found.</summary>
public sealed record VerifyReport
{
    /// <summary>Case intakes acknowledged.</summary>
    public int CasesAcknowledged { get; init; }

    /// <summary>Case intakes attempted but never acknowledged (they may or may not exist).</summary>
    public int CasesNotAcknowledged { get; init; }

    /// <summary>Cases the platform lists that were created during the run.</summary>
    public int CasesListed { get; init; }

    /// <summary>Task assignments acknowledged.</summary>
    public int TasksAcknowledged { get; init; }

    /// <summary>Task assignments attempted but never acknowledged.</summary>
    public int TasksNotAcknowledged { get; init; }

    /// <summary>Tasks the platform lists that were created during the run.</summary>
    public int TasksListed { get; init; }

    /// <summary>Task steps (accept, start, progress, complete) acknowledged.</summary>
    public int StepsAcknowledged { get; init; }

    /// <summary>Task steps never acknowledged.</summary>
    public int StepsNotAcknowledged { get; init; }

    /// <summary>Acknowledged writes whose effect is missing (NOT_FOUND, or a task behind its last acknowledged step).</summary>
    public int Lost { get; init; }

    /// <summary>Resources beyond what the attempted request ids can explain.</summary>
    public int Duplicated { get; init; }

    /// <summary>Every problem, one line each (ids only).</summary>
    public List<string> Problems { get; init; } = [];
}

/// <summary>
/// Checks a write log against the platform: every acknowledged case and task is there, every task is
/// at its last acknowledged step (or the one step after it that was attempted without an answer), and
/// the platform lists no more cases or tasks than distinct request ids were sent.
/// </summary>
public static class WriteLogVerifier
{
    /// <summary>Verifies <paramref name="records"/> through <paramref name="channel"/>.</summary>
    public static async System.Threading.Tasks.Task<VerifyReport> VerifyAsync(IReadOnlyList<WriteRecord> records, GrpcChannel channel, Dictionary<string, Metadata> creds, IReadOnlyList<string> wards, CancellationToken ct = default)
    {
        var problems = new List<string>();
        var lost = 0;
        var coordinator = creds["users/coordinator"];
        var cases = new CaseService.CaseServiceClient(channel);
        var tasks = new TaskService.TaskServiceClient(channel);
        DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

        var creates = records.Where(r => r.Method == "CreateCase").ToList();
        var ackedCases = creates.Where(r => r.Acknowledged).ToList();
        foreach (var dup in ackedCases.GroupBy(r => r.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"{dup.Key} was returned for {dup.Count()} different intake request ids");
        }
        foreach (var r in ackedCases)
        {
            try
            {
                var c = await Patiently(() => cases.GetCaseAsync(new GetCaseRequest { Name = r.Name }, coordinator, Deadline(), ct).ResponseAsync, ct);
                if (c.Ward != r.Target)
                {
                    problems.Add($"{r.Name}: ward {c.Ward}, acknowledged as {r.Target}");
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                lost++;
                problems.Add($"{r.Name} (request {r.RequestId}) was acknowledged and is missing");
            }
        }

        var assigns = records.Where(r => r.Method == "AssignTask").ToList();
        var ackedTasks = assigns.Where(r => r.Acknowledged).ToList();
        foreach (var dup in ackedTasks.GroupBy(r => r.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"{dup.Key} was returned for {dup.Count()} different assignment request ids");
        }
        var steps = records.Where(r => r.Method is "AcceptTask" or "StartTask" or "ReportProgress" or "CompleteTask").ToList();
        var stepsByTask = steps.GroupBy(r => r.Target).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var r in ackedTasks)
        {
            var history = stepsByTask.GetValueOrDefault(r.Name) ?? [];
            var lastAcked = history.LastOrDefault(s => s.Acknowledged);
            var expected = lastAcked?.Expect ?? r.Expect;
            var allowed = new HashSet<string> { expected };
            // A step attempted after the last acknowledged one may have been applied without an answer.
            var afterLast = lastAcked is null ? history : history.SkipWhile(s => s != lastAcked).Skip(1).ToList();
            foreach (var s in afterLast.Where(s => !s.Acknowledged))
            {
                allowed.Add(s.Expect);
            }
            try
            {
                var t = await Patiently(() => tasks.GetTaskAsync(new GetTaskRequest { Name = r.Name }, coordinator, Deadline(), ct).ResponseAsync, ct);
                if (!allowed.Contains(t.Status.ToString()))
                {
                    lost++;
                    problems.Add($"{r.Name}: status {t.Status}, expected {string.Join(" or ", allowed)}");
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                lost++;
                problems.Add($"{r.Name} (request {r.RequestId}) was acknowledged and is missing");
            }
        }

        // The feed: each acknowledged assignment is in its agency's feed, once (appended durably
        // before the assignment was acknowledged).
        var assigned = new Dictionary<string, int>();
        foreach (var ward in wards)
        {
            var agency = $"agencies/{ward}-police";
            var partner = new PartnerService.PartnerServiceClient(channel);
            long after = 0;
            while (true)
            {
                var page = await Patiently(() => partner.ListEventsAsync(
                    new ListEventsRequest { Agency = agency, AfterSequence = after, PageSize = 500 }, creds[agency], Deadline(), ct).ResponseAsync, ct);
                if (page.Events.Count == 0)
                {
                    break;
                }
                foreach (var e in page.Events.Where(e => e.Type == PartnerEventType.TaskAssigned))
                {
                    assigned[e.Task.Name] = assigned.GetValueOrDefault(e.Task.Name) + 1;
                }
                after = page.Events[^1].Sequence;
            }
        }
        var feedMissing = 0;
        var feedDoubled = 0;
        foreach (var r in ackedTasks)
        {
            switch (assigned.GetValueOrDefault(r.Name))
            {
                case 0:
                    feedMissing++;
                    problems.Add($"{r.Name}: acknowledged, but no TASK_ASSIGNED in its agency's feed");
                    break;
                case > 1:
                    feedDoubled++;
                    problems.Add($"{r.Name}: {assigned[r.Name]} TASK_ASSIGNED events in its agency's feed");
                    break;
            }
        }
        lost += feedMissing;

        // Duplicates: what the platform lists beyond the baseline can be no more than the distinct
        // request ids sent, and no less than those acknowledged.
        var baseline = records.FirstOrDefault(r => r.Method == "_baseline");
        var (listedCases, listedTasks) = await Patiently(() => MixedWorkload.CountAsync(channel, creds, wards, ct), ct);
        listedCases -= baseline?.BaselineCases ?? 0;
        listedTasks -= baseline?.BaselineTasks ?? 0;
        var duplicated = feedDoubled;
        var attemptedCases = creates.Select(r => r.RequestId).Distinct().Count();
        var attemptedTasks = assigns.Select(r => r.RequestId).Distinct().Count();
        if (listedCases > attemptedCases)
        {
            duplicated += listedCases - attemptedCases;
            problems.Add($"{listedCases} cases listed for {attemptedCases} intake request ids");
        }
        if (listedTasks > attemptedTasks)
        {
            duplicated += listedTasks - attemptedTasks;
            problems.Add($"{listedTasks} tasks listed for {attemptedTasks} assignment request ids");
        }
        if (listedCases < ackedCases.Count)
        {
            problems.Add($"only {listedCases} cases listed for {ackedCases.Count} acknowledged intakes");
        }
        if (listedTasks < ackedTasks.Count)
        {
            problems.Add($"only {listedTasks} tasks listed for {ackedTasks.Count} acknowledged assignments");
        }

        return new VerifyReport
        {
            CasesAcknowledged = ackedCases.Count,
            CasesNotAcknowledged = creates.Count - ackedCases.Count,
            CasesListed = listedCases,
            TasksAcknowledged = ackedTasks.Count,
            TasksNotAcknowledged = assigns.Count - ackedTasks.Count,
            TasksListed = listedTasks,
            StepsAcknowledged = steps.Count(s => s.Acknowledged),
            StepsNotAcknowledged = steps.Count(s => !s.Acknowledged),
            Lost = lost,
            Duplicated = duplicated,
            Problems = problems,
        };
    }

    /// <summary>
    /// The verifier reads thousands of resources with one credential: it waits out the platform's rate
    /// limit (RESOURCE_EXHAUSTED) and a host that is still starting (UNAVAILABLE) instead of failing.
    /// </summary>
    private static async System.Threading.Tasks.Task<T> Patiently<T>(Func<System.Threading.Tasks.Task<T>> call, CancellationToken ct)
    {
        var giveUpAt = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable or StatusCode.DeadlineExceeded
                && DateTime.UtcNow < giveUpAt)
            {
                await Task.Delay(e.StatusCode == StatusCode.ResourceExhausted ? 1000 : 250, ct);
            }
        }
    }
}
