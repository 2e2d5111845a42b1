using Coordination.Api.Audit;
using Coordination.V1;
using Google.Protobuf;

namespace Coordination.UnitTests;

/// <summary>What the audit records a message as disclosing (issue 13: every disclosure audited).</summary>
public sealed class AuditedResourcesTests
{
    [Fact]
    public void A_task_discloses_itself_and_its_case()
    {
        var task = new Coordination.V1.Task { Name = "tasks/T-1", Case = "cases/DN-1", Assignee = "agencies/hai-chau-1-police", ReplacedBy = "tasks/T-2" };

        Assert.Equal(["tasks/T-1", "cases/DN-1"], AuditedResources.Of(task));
    }

    [Fact]
    public void A_case_discloses_itself_once_and_not_the_bare_names_of_its_tasks()
    {
        var c = new Case { Name = "cases/DN-1", Ward = "wards/hai-chau-1", Tasks = { "tasks/T-1", "tasks/T-2" } };

        Assert.Equal(["cases/DN-1"], AuditedResources.Of(c));
    }

    [Fact]
    public void A_list_discloses_each_item_in_order_without_repeats()
    {
        var list = new ListTasksResponse
        {
            Tasks =
            {
                new Coordination.V1.Task { Name = "tasks/T-1", Case = "cases/DN-1" },
                new Coordination.V1.Task { Name = "tasks/T-2", Case = "cases/DN-1" },
            },
        };

        Assert.Equal(["tasks/T-1", "cases/DN-1", "tasks/T-2"], AuditedResources.Of(list));
    }

    [Fact]
    public void Feed_events_disclose_the_task_they_carry_and_inbox_events_the_case_and_task_they_name()
    {
        var partner = new PartnerEvent { Id = "e1", Task = new Coordination.V1.Task { Name = "tasks/T-9", Case = "cases/DN-9" } };
        var inbox = new InboxEvent { Id = "e2", Task = "tasks/T-8", Case = "cases/DN-8", Title = "Nhiệm vụ được nhận" };
        var conference = new PartnerEvent { Id = "e3", Conference = "clusters/hai-chau/conferences/2026-q4" };

        Assert.Equal(["tasks/T-9", "cases/DN-9"], AuditedResources.Of(partner));
        Assert.Equal(["tasks/T-8", "cases/DN-8"], AuditedResources.Of(inbox));
        Assert.Equal(["clusters/hai-chau/conferences/2026-q4"], AuditedResources.Of(conference));
        Assert.Equal(["tasks/T-8", "cases/DN-8"], AuditedResources.Of(new ListInboxEventsResponse { Events = { inbox } }));
    }

    [Fact]
    public void A_conference_discloses_itself_and_the_cases_of_its_agenda_and_discussions()
    {
        var conference = new Conference
        {
            Name = "clusters/hai-chau/conferences/c1",
            Agenda = { new AgendaItem { Case = "cases/DN-1" }, new AgendaItem { Case = "cases/DN-2" } },
            Discussions = { new CaseDiscussion { Case = "cases/DN-2" } },
        };

        Assert.Equal(["clusters/hai-chau/conferences/c1", "cases/DN-1", "cases/DN-2"], AuditedResources.Of(conference));
    }

    [Fact]
    public void A_timeline_discloses_the_tasks_whose_history_it_tells_and_the_audit_trail_nothing()
    {
        var timeline = new ListCaseTimelineResponse
        {
            Entries = { new TimelineEntry { Action = "CASE_OPENED" }, new TimelineEntry { Action = "TASK_ACCEPTED", Resource = "tasks/T-3" } },
        };
        var trail = new ListAuditEventsResponse { Events = { new AuditEvent { Resource = "cases/DN-1", Principal = "users/auditor" } } };

        Assert.Equal(["tasks/T-3"], AuditedResources.Of(timeline));
        Assert.Empty(AuditedResources.Of(trail));
    }

    [Fact]
    public void Directory_data_discloses_nothing()
    {
        Assert.Empty(AuditedResources.Of(new Ward { Name = "wards/hai-chau-1" }));
        Assert.Empty(AuditedResources.Of(new ListAgenciesResponse { Agencies = { new Agency { Name = "agencies/hai-chau-1-police" } } }));
        Assert.Empty(AuditedResources.Of(new Google.Protobuf.WellKnownTypes.Empty()));
        Assert.Empty(AuditedResources.Of(null));
    }

    [Theory]
    [InlineData("cases/DN-1/consents/2", "cases/DN-1")]
    [InlineData("tasks/T-1", "tasks/T-1")]
    [InlineData("clusters/hai-chau/conferences/c1", "clusters/hai-chau/conferences/c1")]
    [InlineData("cases/", "cases/")]
    public void A_sub_resource_of_a_case_is_recorded_as_the_case(string name, string recorded) =>
        Assert.Equal(recorded, AuditedResources.Normalize(name));

    [Fact]
    public void A_request_is_about_its_name_then_its_case_parent_ward_or_agency()
    {
        Assert.Equal("cases/DN-1", AuditedResources.TargetOf(new WithdrawConsentRequest { Name = "cases/DN-1/consents/1" }));
        Assert.Equal("cases/DN-1", AuditedResources.TargetOf(new RecordConsentRequest { Parent = "cases/DN-1" }));
        Assert.Equal("agencies/hai-chau-1-police", AuditedResources.TargetOf(new WatchEventsRequest { Agency = "agencies/hai-chau-1-police" }));
        Assert.Equal("wards/hai-chau-1/inbox", AuditedResources.TargetOf(new WatchInboxEventsRequest { Inbox = "wards/hai-chau-1/inbox" }));
        Assert.Equal("", AuditedResources.TargetOf(new ListDaysOffRequest { Year = 2026 }));
    }

    [Fact]
    public void Every_message_of_the_contract_gets_a_plan_and_nested_types_do_not_loop()
    {
        var messages = typeof(CasesReflection).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IMessage)Activator.CreateInstance(t)!)
            .ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Empty(AuditedResources.Of(m)));
    }

    [Theory]
    [InlineData("/coordination.v1.InboxService/WatchInboxEvents", AuditInterceptor.Coverage.Full)]
    [InlineData("/coordination.v1.InboxService/ListInboxEvents", AuditInterceptor.Coverage.Full)]
    [InlineData("/coordination.v1.PartnerService/WatchEvents", AuditInterceptor.Coverage.Full)]
    [InlineData("/coordination.v1.AuditService/ListAuditEvents", AuditInterceptor.Coverage.Full)]
    [InlineData("/coordination.v1.AccountService/ListAccounts", AuditInterceptor.Coverage.Full)]
    [InlineData("/coordination.v1.ReportService/ExportCases", AuditInterceptor.Coverage.FailuresOnly)]
    [InlineData("/coordination.v1.DirectoryService/GetWard", AuditInterceptor.Coverage.None)]
    [InlineData("/coordination.v1.CalendarService/ListDaysOff", AuditInterceptor.Coverage.None)]
    [InlineData("/coordination.v1.AccountService/SignIn", AuditInterceptor.Coverage.None)]
    [InlineData("/grpc.health.v1.Health/Check", AuditInterceptor.Coverage.None)]
    // A service added to the contract later is audited before anyone thinks of it.
    [InlineData("/coordination.v1.FutureService/ListThings", AuditInterceptor.Coverage.Full)]
    public void Every_contract_method_is_audited_unless_it_carries_no_case_or_is_audited_where_it_happens(string method, AuditInterceptor.Coverage coverage) =>
        Assert.Equal(coverage, AuditInterceptor.CoverageOf(method));
}
