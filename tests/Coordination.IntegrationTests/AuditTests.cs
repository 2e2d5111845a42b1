using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

[Collection(Lanes.Work)]
public sealed class AuditTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor OtherOfficer = new("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha");
    private static readonly Actor Auditor = new("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city");

    [Fact]
    public async Task Every_read_of_a_case_is_listed_with_who_how_and_the_outcome()
    {
        var host = fixture.Host;
        var cases = new CaseService.CaseServiceClient(host.As(Officer));
        var opened = await cases.CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/hai-chau-1", Source = IntakeSource.CollaboratorReport, Categories = { CaseCategory.Neglect },
                Person = new Person { DisplayName = "Phạm Thị Thu", Sex = Sex.Female, ApproximateAgeYears = 6 },
            },
        });
        await cases.GetCaseAsync(new GetCaseRequest { Name = opened.Name });
        await cases.ListCasesAsync(new ListCasesRequest());
        await Assert.ThrowsAsync<RpcException>(() =>
            new CaseService.CaseServiceClient(host.As(OtherOfficer)).GetCaseAsync(new GetCaseRequest { Name = opened.Name }).ResponseAsync);

        var audit = new AuditService.AuditServiceClient(host.As(Auditor));
        List<AuditEvent> events = [];
        for (var i = 0; i < 50 && events.Count < 4; i++)
        {
            events = [.. (await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Case = opened.Name, PageSize = 100 })).Events];
            await Task.Delay(100);
        }

        Assert.Contains(events, e => e.Method == "coordination.v1.CaseService/CreateCase" && e.Principal == Officer.Principal && e.Outcome == "OK");
        Assert.Contains(events, e => e.Method == "coordination.v1.CaseService/GetCase" && e.Principal == Officer.Principal && e.Role == "WARD_OFFICER" && e.Outcome == "OK");
        Assert.Contains(events, e => e.Method == "coordination.v1.CaseService/ListCases" && e.Resource == opened.Name);
        Assert.Contains(events, e => e.Method == "coordination.v1.CaseService/GetCase" && e.Principal == OtherOfficer.Principal && e.Outcome == "PERMISSION_DENIED");
        var byUser = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Principal = OtherOfficer.Principal });
        Assert.Contains(byUser.Events, e => e.Resource == opened.Name);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () =>
            new AuditService.AuditServiceClient(host.As(Officer)).ListAuditEventsAsync(new ListAuditEventsRequest { Case = opened.Name }).ResponseAsync);
    }

    [Fact]
    public async Task The_audit_table_refuses_changes()
    {
        await fixture.Database.ExecuteAsync(
            "insert into audit_events (time, principal, role, scope, method, resource, outcome) values (now(), 'x', 'x', 'x', 'x', 'x', 'OK')");

        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => fixture.Database.ExecuteAsync("delete from audit_events"));
        Assert.Contains("append-only", e.MessageText);
    }
}
