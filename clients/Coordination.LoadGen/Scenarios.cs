using System.Text.Json;
using Coordination.V1;
using Task = System.Threading.Tasks.Task;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Coordination.LoadGen;

/// <summary>The measured workloads. Each returns a factory: one worker per call, each with its own resources.</summary>
public static class Scenarios
{
    private const string Ward = "wards/hai-chau-1";

    /// <summary>
    /// Durable task transitions: each worker gets tasks of its own (vice-chair → ward police), then
    /// alternates HoldTask / StartTask on them as the police system — each call one state change
    /// persisted in PostgreSQL and projected to the read model.
    /// </summary>
    public static async Task<Func<int, Task<Func<Task<string>>>>> Transitions(GrpcChannel channel, Options options)
    {
        var creds = Load(options);
        var tasks = new TaskService.TaskServiceClient(channel);
        var wards = new WardService.WardServiceClient(channel);
        await Task.CompletedTask;
        var perWorker = options.Number("tasks-per-worker", 20);
        return async worker =>
        {
            var police = creds["agencies/hai-chau-1-police"];
            var names = new List<string>();
            for (var i = 0; i < perWorker; i++)
            {
                var task = await wards.AssignTaskAsync(new AssignTaskRequest
                {
                    Ward = Ward, Assignee = "agencies/hai-chau-1-police", Title = $"Tải thử {worker}-{i}", Instructions = "Kiểm tra tải",
                    DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), RequestId = Guid.NewGuid().ToString(),
                }, creds["users/hai-chau-1-vice-chair"]);
                await tasks.AcceptTaskAsync(new AcceptTaskRequest { Name = task.Name, RequestId = Guid.NewGuid().ToString() }, police);
                await tasks.StartTaskAsync(new StartTaskRequest { Name = task.Name, RequestId = Guid.NewGuid().ToString() }, police);
                names.Add(task.Name);
            }
            var onHold = new bool[perWorker];
            var next = 0;
            return async () =>
            {
                // Round-robin over the worker's tasks, so each task's history stays the size a real one has.
                var i = next++ % perWorker;
                if (onHold[i])
                {
                    await tasks.StartTaskAsync(new StartTaskRequest { Name = names[i], RequestId = Guid.NewGuid().ToString() }, police);
                }
                else
                {
                    await tasks.HoldTaskAsync(new HoldTaskRequest { Name = names[i], Reason = "Chờ", RequestId = Guid.NewGuid().ToString() }, police);
                }
                onHold[i] = !onHold[i];
                return onHold[i] ? "HoldTask" : "StartTask";
            };
        };
    }

    /// <summary>GetCase on an active grain: each worker opens a case, then reads it in a loop.</summary>
    public static async Task<Func<int, Task<Func<Task<string>>>>> GetCase(GrpcChannel channel, Options options)
    {
        var creds = Load(options);
        var cases = new CaseService.CaseServiceClient(channel);
        await Task.CompletedTask;
        return async worker =>
        {
            var officer = creds["users/hai-chau-1-officer"];
            var opened = await cases.CreateCaseAsync(new CreateCaseRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Case = new Case
                {
                    Ward = Ward, Source = IntakeSource.WardSurvey, Categories = { CaseCategory.Neglect },
                    Person = new Person { DisplayName = $"Trẻ thử tải {worker} {Guid.NewGuid().ToString("N")[..8]}", Sex = Sex.Unknown, ApproximateAgeYears = 10 },
                },
            }, officer);
            var request = new GetCaseRequest { Name = opened.Name };
            return async () =>
            {
                await cases.GetCaseAsync(request, officer);
                return "GetCase";
            };
        };
    }

    /// <summary>The demo credentials file (<c>--credentials</c>): principal name → bearer metadata.</summary>
    internal static Dictionary<string, Metadata> Load(Options options)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(options.Text("credentials", ".data/dev-credentials.json")));
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
}
