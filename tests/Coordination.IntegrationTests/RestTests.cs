using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>REST for partners that cannot speak gRPC: the same methods as plain HTTP/1.1 + JSON.</summary>
[Collection(Lanes.Work)]
public sealed class RestTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private const string Police = "agencies/an-hai-bac-police";

    [Fact]
    public async Task A_partner_reads_and_accepts_a_task_and_pages_its_feed_with_plain_http()
    {
        var viceChair = new Actor("users/an-hai-bac-vice-chair", "Ngô Đức Thắng", Actor.WardViceChair, "wards/an-hai-bac");
        var task = await new WardService.WardServiceClient(fixture.Host.As(viceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/an-hai-bac", Assignee = Police, Title = "Xác minh", Instructions = "Xác minh tin báo",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)), RequestId = Guid.NewGuid().ToString(),
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Host.HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            fixture.Host.TokenFor(new Actor(Police, "Công an phường An Hải Bắc", Actor.AgencySystem, Police)));

        using var got = await http.GetAsync($"/v1/{task.Name}");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        using (var json = JsonDocument.Parse(await got.Content.ReadAsStringAsync()))
        {
            Assert.Equal("TASK_STATUS_REQUESTED", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("Xác minh", json.RootElement.GetProperty("title").GetString());
        }

        using var accepted = await http.PostAsync($"/v1/{task.Name}:accept",
            new StringContent("""{"requestId":"rest-accept-1","note":"Đã nhận"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using (var json = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()))
        {
            Assert.Equal("TASK_STATUS_ACCEPTED", json.RootElement.GetProperty("status").GetString());
        }

        using var feed = await http.GetAsync($"/v1/{Police}/events?afterSequence=0&pageSize=10");
        using (var json = JsonDocument.Parse(await feed.Content.ReadAsStringAsync()))
        {
            Assert.Equal("PARTNER_EVENT_TYPE_TASK_ASSIGNED", json.RootElement.GetProperty("events")[0].GetProperty("type").GetString());
        }

        using var bad = await http.PostAsync($"/v1/{task.Name}:reject", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("reason", await bad.Content.ReadAsStringAsync());

        http.DefaultRequestHeaders.Authorization = null;
        using var anonymous = await http.GetAsync($"/v1/{task.Name}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Prometheus_scrapes_the_platform_s_own_meters_and_those_of_ASP_NET_Core_gRPC_Npgsql_and_Orleans_on_the_REST_port()
    {
        // A durable transition first, so the platform's own counter has a value.
        var viceChair = new Actor("users/an-hai-bac-vice-chair", "Ngô Đức Thắng", Actor.WardViceChair, "wards/an-hai-bac");
        var task = await new WardService.WardServiceClient(fixture.Host.As(viceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/an-hai-bac", Assignee = Police, Title = "Đo lường", Instructions = "Kiểm tra số liệu",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)), RequestId = Guid.NewGuid().ToString(),
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Host.HttpPort}") };
        string text = "";
        for (var i = 0; i < 20 && !text.Contains("coordination_task_transitions_total", StringComparison.Ordinal); i++)
        {
            using var scraped = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
            text = await scraped.Content.ReadAsStringAsync();
            await Task.Delay(250);
        }
        Assert.Contains("coordination_task_transitions_total{", text);
        Assert.Contains("action=\"CREATED\"", text);
        Assert.Contains("coordination_audit_queue", text);
        Assert.Contains("http_server_request_duration_seconds", text);
        // gRPC calls are in the request metric with their method and gRPC status.
        Assert.Contains("http_route=\"/coordination.v1.WardService/AssignTask\"", text);
        Assert.Contains("rpc_grpc_status_code=\"0\"", text);
        Assert.Contains("db_client_operation_duration", text);
        Assert.Contains("orleans_", text);
        // No person data in the metrics: no case or task ids, no names.
        Assert.DoesNotContain(task.Name["tasks/".Length..], text);
        Assert.DoesNotMatch(@"\bT-\d{4}-\d{6}\b", text);
        Assert.DoesNotContain("Đo lường", text);
    }
}
