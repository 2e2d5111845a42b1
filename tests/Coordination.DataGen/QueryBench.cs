using Coordination.LoadGen;
using System.Diagnostics;
using Coordination.Api.Demo;
using Coordination.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

namespace Coordination.DataGen;

/// <summary>
/// Times the four queries the scale target names, over real gRPC with the demo credentials:
/// <c>ListCases</c> of a ward by its officer with a filter and a Vietnamese name search,
/// <c>ListTasks</c> overdue for an agency by the agency's system, <c>GetWardSummary</c> by the
/// ward's vice-chair, and the audit trail of one generated case (<c>ListAuditEvents</c>) by the
/// auditor. Each query runs alone: warm-up calls, then timed calls from several concurrent workers.
/// </summary>
public static class QueryBench
{
    /// <summary>Name searches as people type them: a family name, a given name, partial and full names, with or without diacritics.</summary>
    public static readonly string[] Searches =
    [
        "Nguyễn Thị", "hằng", "Trần Văn Bình", "Lê", "phạm ngọc", "Võ Thị Thu Hương", "Đặng Minh", "khánh", "Huỳnh Thị", "Ngô Đức Thắng",
        "nguyen van an", "Phan Bảo", "Đỗ Thị Mai", "thu trang", "Hồ Gia Huy", "Lý", "Bùi Văn", "Dương Thị Ngọc Ánh", "quân", "Trương Thị Kim",
    ];

    /// <summary>Result of one query's timed calls.</summary>
    public sealed record Result(string Name, int Calls, double P50, double P95, double P99, double Max, double MeanItems);

    /// <summary>Runs the four queries against <paramref name="target"/>; <paramref name="cases"/> is how many cases were generated.</summary>
    public static async Task<IReadOnlyList<Result>> RunAsync(string target, string credentialsPath, int cases, int calls, int warmup, int concurrency, int seed, TextWriter log)
    {
        var tokens = CredentialFile.Load(credentialsPath);
        using var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
        var caseClient = new CaseService.CaseServiceClient(channel);
        var taskClient = new TaskService.TaskServiceClient(channel);
        var wardClient = new WardService.WardServiceClient(channel);
        var auditClient = new AuditService.AuditServiceClient(channel);
        var wards = DemoDirectory.Wards;
        var agencies = DemoDirectory.Agencies().Select(a => a.Id).Where(a => !a.EndsWith("-committee", StringComparison.Ordinal)).ToArray();
        var results = new List<Result>();

        results.Add(await TimeAsync("ListCases", calls, warmup, concurrency, seed, async (r, i) =>
        {
            var ward = wards[r.Next(wards.Length)];
            var request = new ListCasesRequest { Ward = "wards/" + ward.Id, PersonName = Searches[r.Next(Searches.Length)], PageSize = 20, IncludeClosed = r.Next(2) == 0 };
            switch (i % 4)
            {
                case 1: request.RiskLevel = RiskLevel.High; break;
                case 2: request.Category = CaseCategory.Abused; break;
                case 3: request.Step = CaseStep.InIntervention; break;
            }
            var response = await caseClient.ListCasesAsync(request, tokens[$"users/{ward.Id}-officer"]);
            return response.Cases.Count;
        }));
        results.Add(await TimeAsync("ListTasks overdue", calls, warmup, concurrency, seed, async (r, _) =>
        {
            var agency = agencies[r.Next(agencies.Length)];
            var response = await taskClient.ListTasksAsync(new ListTasksRequest { Assignee = "agencies/" + agency, Overdue = true, PageSize = 50 }, tokens["agencies/" + agency]);
            return response.Tasks.Count;
        }));
        results.Add(await TimeAsync("GetWardSummary", calls, warmup, concurrency, seed, async (r, _) =>
        {
            var ward = wards[r.Next(wards.Length)];
            var summary = await wardClient.GetWardSummaryAsync(new GetWardSummaryRequest { Name = "wards/" + ward.Id }, tokens[$"users/{ward.Id}-vice-chair"]);
            return (int)summary.OpenCases;
        }));
        results.Add(await TimeAsync("audit trail of a case", calls, warmup, concurrency, seed, async (r, _) =>
        {
            var response = await auditClient.ListAuditEventsAsync(
                new ListAuditEventsRequest { Case = "cases/" + CaseFactory.CaseId(r.Next(cases)), PageSize = 50 }, tokens["users/auditor"]);
            return response.Events.Count;
        }));

        // What a generated case answers to GetCase while no grain state is written for it.
        try
        {
            await caseClient.GetCaseAsync(new GetCaseRequest { Name = "cases/" + CaseFactory.CaseId(0) }, tokens["users/coordinator"]);
            log.WriteLine("probe: GetCase on a generated case answered OK");
        }
        catch (RpcException e)
        {
            log.WriteLine($"probe: GetCase on a generated case answered {e.StatusCode} ({e.Status.Detail})");
        }
        return results;
    }

    private static async Task<Result> TimeAsync(string name, int calls, int warmup, int concurrency, int seed, Func<Random, int, Task<int>> call)
    {
        var warm = new Random(seed);
        for (var i = 0; i < warmup; i++)
        {
            await call(warm, i);
        }
        var times = new double[calls];
        var items = new long[calls];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var r = new Random(seed * 31 + w + 1);
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls)
            {
                var clock = Stopwatch.StartNew();
                items[i] = await call(r, i);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
        })));
        Array.Sort(times);
        return new Result(name, calls, Percentile(times, 0.50), Percentile(times, 0.95), Percentile(times, 0.99), times[^1], items.Average());
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
