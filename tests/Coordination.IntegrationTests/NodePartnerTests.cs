using System.Diagnostics;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Interoperability: the sample partner in Node (clients/node-partner), loading protos/ directly
/// with @grpc/grpc-js, completes a task end to end against the real host with a token from
/// dev-credentials.json.
/// </summary>
[Collection(Lanes.Work)]
public sealed class NodePartnerTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    /// <summary>With the plain token of the credentials file, and with the client secret exchanged for short tokens (COORD_CLIENT_SECRET).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_node_partner_accepts_reports_and_completes_a_task_from_its_feed(bool clientSecret)
    {
        var root = RepositoryRoot();
        var psi = new ProcessStartInfo("node",
        [
            Path.Combine(root, "clients", "node-partner", "partner.js"),
            "--target", $"127.0.0.1:{fixture.Host.GrpcPort}",
            "--credentials", Path.Combine(fixture.Host.DataDirectory, "dev-credentials.json"),
            "--agency", "agencies/thach-thang-police",
            "--once", "--timeout", "90",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (clientSecret)
        {
            using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixture.Host.DataDirectory, "dev-credentials.json")));
            psi.Environment["COORD_CLIENT_SECRET"] = credentials.RootElement.GetProperty("agencies").EnumerateArray()
                .Single(a => a.GetProperty("name").GetString() == "agencies/thach-thang-police").GetProperty("clientSecret").GetString();
        }
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();

        var viceChair = new Actor("users/thach-thang-vice-chair", "Lê Quang Vinh", Actor.WardViceChair, "wards/thach-thang");
        var task = await new WardService.WardServiceClient(fixture.Host.As(viceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/thach-thang", Assignee = "agencies/thach-thang-police", Title = "Xác minh tin báo",
            Instructions = "Xác minh tin báo về trẻ bị bỏ rơi", Kind = TaskKind.Emergency,
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(4)), RequestId = Guid.NewGuid().ToString(),
        });
        await node.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
        var output = await stdout;

        Assert.True(node.ExitCode == 0, $"node partner exited {node.ExitCode}:\n{output}\n{await stderr}");
        Assert.Equal(clientSecret, output.Contains("obtained for agencies/thach-thang-police", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Assert.Equal(task.Name, summary.RootElement.GetProperty("task").GetString());
        var final = await new TaskService.TaskServiceClient(fixture.Host.As(viceChair)).GetTaskAsync(new GetTaskRequest { Name = task.Name });
        Assert.Equal(Coordination.V1.TaskStatus.Completed, final.Status);
        Assert.Equal("Trẻ an toàn", final.Outcome.Result);
        // The sample codes its outcome and gives its own case number, which the requester sees.
        Assert.Equal(TaskOutcomeCode.ServiceProvided, final.Outcome.OutcomeCode);
        Assert.Equal(final.Outcome.PartnerReference, summary.RootElement.GetProperty("partnerReference").GetString());
        Assert.StartsWith("CA-HC1/", final.Outcome.PartnerReference);
        Assert.Contains(final.History, e => e.Action == "PROGRESS" && e.Actor.Principal == "agencies/thach-thang-police");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CoordinationPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
