using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>Quarterly case conferences through real gRPC on a real host and PostgreSQL.</summary>
[Collection(Lanes.Work)]
public sealed class ConferenceTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private const string Cluster = "clusters/hai-chau";
    private const string Police = "agencies/hai-chau-1-police";
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor ViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, "wards/hai-chau-1");
    private static readonly Actor OtherOfficer = new("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha");
    private static readonly Actor PoliceSystem = new(Police, "Công an phường Hải Châu I", Actor.AgencySystem, Police);

    private PlatformHost Host => fixture.Host;

    private ConferenceService.ConferenceServiceClient Conferences => new(Host.As(Coordinator));

    private static string Rid() => Guid.NewGuid().ToString();

    private static Timestamp InDays(double days) => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(days));

    private async Task<string> NewCase(Actor officer, string ward, string name)
    {
        var c = await new CaseService.CaseServiceClient(Host.As(officer)).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Rid(),
            Case = new Case
            {
                Ward = ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = name, Sex = Sex.Female, ApproximateAgeYears = 9 },
            },
        });
        return c.Name;
    }

    private Task<Case> Flag(Actor officer, string caseName, string reason) =>
        new CaseService.CaseServiceClient(Host.As(officer)).SetConferenceFlagAsync(new SetConferenceFlagRequest
        {
            Name = caseName, Flagged = true, Reason = reason, RequestId = Rid(),
        }).ResponseAsync;

    private Task<Conference> NewConference(string title, double inDays = 30) =>
        Conferences.CreateConferenceAsync(new CreateConferenceRequest
        {
            Parent = Cluster, RequestId = Rid(),
            Conference = new Conference { StartTime = InDays(inDays), Title = title, Location = "Hội trường UBND phường Hải Châu I" },
        }).ResponseAsync;

    [Fact]
    public async Task Preparing_puts_the_flagged_case_and_the_case_with_an_overdue_task_on_the_agenda_and_tells_the_participants()
    {
        var flagged = await NewCase(Officer, "wards/hai-chau-1", "Nguyễn Thị Hằng");
        await Flag(Officer, flagged, "Gia đình từ chối hợp tác, cần ý kiến liên ngành");
        var late = await NewCase(Officer, "wards/hai-chau-1", "Trần Văn Nam");
        await new WardService.WardServiceClient(Host.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/hai-chau-1", Case = late, Assignee = Police, Title = "Xác minh", Instructions = "Xác minh tại nhà",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2)), RequestId = Rid(),
        });
        var quiet = await NewCase(Officer, "wards/hai-chau-1", "Lê Thị Mai");
        var elsewhere = await NewCase(OtherOfficer, "wards/xuan-ha", "Phạm Văn Hùng");
        await Flag(OtherOfficer, elsewhere, "Cụm khác");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var conference = await NewConference("Hội thảo ca bất thường — Cụm Hải Châu");

        var prepared = await Conferences.PrepareConferenceAsync(new PrepareConferenceRequest { Name = conference.Name, RequestId = Rid() });

        Assert.Equal(ConferenceState.Prepared, prepared.State);
        Assert.NotNull(prepared.AgendaTime);
        var byCase = prepared.Agenda.ToDictionary(a => a.Case);
        Assert.Contains(AgendaReason.Flagged, byCase[flagged].Reasons);
        Assert.Contains("Gia đình từ chối hợp tác, cần ý kiến liên ngành", byCase[flagged].Summary);
        Assert.Contains(AgendaReason.OverdueTasks, byCase[late].Reasons);
        Assert.Equal(1, byCase[late].OverdueTaskCount);
        Assert.Equal("wards/hai-chau-1", byCase[late].Ward);
        Assert.DoesNotContain(quiet, byCase.Keys);
        Assert.DoesNotContain(elsewhere, byCase.Keys);
        // Flagged cases come first.
        Assert.Contains(AgendaReason.Flagged, prepared.Agenda[0].Reasons);

        var centre = await new InboxService.InboxServiceClient(Host.As(Coordinator)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 });
        Assert.Single(centre.Events, e => e.Type == InboxEventType.ConferenceAgendaReady && e.Conference == conference.Name);
        Assert.Single(centre.Events, e => e.Type == InboxEventType.ConferenceScheduled && e.Conference == conference.Name);
        var ownWard = await new InboxService.InboxServiceClient(Host.As(ViceChair)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "wards/hai-chau-1/inbox", PageSize = 500 });
        Assert.Single(ownWard.Events, e => e.Type == InboxEventType.ConferenceAgendaReady && e.Conference == conference.Name);
        var otherCluster = await new InboxService.InboxServiceClient(Host.As(OtherOfficer)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "wards/xuan-ha/inbox", PageSize = 500 });
        Assert.DoesNotContain(otherCluster.Events, e => e.Conference == conference.Name);
        var partner = await new PartnerService.PartnerServiceClient(Host.As(PoliceSystem)).ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 500 });
        Assert.Equal(2, partner.Events.Count(e => e.Type == PartnerEventType.Conference && e.Conference == conference.Name));

        // Putting a case before a conference is a use of its record: audited with the case.
        var audit = new AuditService.AuditServiceClient(Host.As(Coordinator));
        List<AuditEvent> audited = [];
        for (var i = 0; i < 50 && !audited.Any(e => e.Method == "coordination.v1.ConferenceService/PrepareConference"); i++)
        {
            await Task.Delay(100);
            audited = [.. (await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Case = flagged, PageSize = 100 })).Events];
        }
        Assert.Contains(audited, e => e.Method == "coordination.v1.ConferenceService/PrepareConference" && e.Principal == Coordinator.Principal && e.Outcome == "OK");
    }

    [Fact]
    public async Task A_decision_becomes_a_conference_action_task_for_the_agency_linked_to_the_conference_and_the_case()
    {
        var caseName = await NewCase(Officer, "wards/hai-chau-1", "Võ Thị Hồng");
        var conference = await NewConference("Hội thảo ca quý — Cụm Hải Châu");
        conference = await Conferences.RecordAttendanceAsync(new RecordAttendanceRequest
        {
            Name = conference.Name, RequestId = Rid(), Etag = conference.Etag,
            Attendance =
            {
                new Attendee { Participant = "users/hai-chau-1-vice-chair", DisplayName = "Trần Văn Bình", Organization = "UBND phường Hải Châu I", Role = "Phó Chủ tịch", Present = true },
                new Attendee { Participant = Police, DisplayName = "Đại úy Lê Văn Tâm", Organization = "Công an phường Hải Châu I", Role = "Cán bộ", Present = false },
            },
        });
        Assert.Equal(ConferenceState.Held, conference.State);
        var discussion = new RecordCaseDiscussionRequest
        {
            Name = conference.Name, Case = caseName, RequestId = Rid(),
            Guidance = { new Guidance { Department = "agencies/hai-chau-1-justice", Text = "Hướng dẫn gia đình thủ tục trợ giúp pháp lý miễn phí" } },
            CentreProposal = "Trung tâm cử nhân viên công tác xã hội hỗ trợ tâm lý hàng tuần",
            Decisions = { new Decision { Text = "Xác minh tình trạng an toàn của trẻ tại gia đình", Assignee = Police, DueTime = InDays(14) } },
        };

        var recorded = await Conferences.RecordCaseDiscussionAsync(discussion);
        var retried = await Conferences.RecordCaseDiscussionAsync(discussion);

        var decision = Assert.Single(Assert.Single(recorded.Discussions).Decisions);
        Assert.StartsWith("tasks/", decision.Task);
        Assert.Equal(recorded.Etag, retried.Etag);
        Assert.Equal(decision.Task, Assert.Single(Assert.Single(retried.Discussions).Decisions).Task);
        var task = await new TaskService.TaskServiceClient(Host.As(PoliceSystem)).GetTaskAsync(new GetTaskRequest { Name = decision.Task });
        Assert.Equal(TaskKind.ConferenceAction, task.Kind);
        Assert.Equal(Police, task.Assignee);
        Assert.Equal(caseName, task.Case);
        Assert.Equal(conference.Name, task.Conference);
        Assert.Equal("Xác minh tình trạng an toàn của trẻ tại gia đình", task.Instructions);
        var actions = await new TaskService.TaskServiceClient(Host.As(Coordinator)).ListTasksAsync(new ListTasksRequest { Case = caseName, Kind = TaskKind.ConferenceAction });
        Assert.Single(actions.Tasks);
        var feed = await new PartnerService.PartnerServiceClient(Host.As(PoliceSystem)).ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 500 });
        Assert.Single(feed.Events, e => e.Type == PartnerEventType.TaskAssigned && e.Task.Name == decision.Task);

        var minutes = await Conferences.GetConferenceMinutesAsync(new GetConferenceMinutesRequest { Name = conference.Name });
        Assert.Equal(conference.Name, minutes.Conference.Name);
        Assert.Contains("# Biên bản hội thảo ca / Case conference minutes", minutes.Markdown);
        Assert.Contains("- Cụm / Cluster: Cụm Hải Châu", minutes.Markdown);
        Assert.Contains("| Trần Văn Bình | UBND phường Hải Châu I | Phó Chủ tịch | Có / Yes |", minutes.Markdown);
        Assert.Contains("| Đại úy Lê Văn Tâm | Công an phường Hải Châu I | Cán bộ | Vắng / Absent |", minutes.Markdown);
        Assert.Contains("- agencies/hai-chau-1-justice: Hướng dẫn gia đình thủ tục trợ giúp pháp lý miễn phí", minutes.Markdown);
        Assert.Contains("Trung tâm cử nhân viên công tác xã hội hỗ trợ tâm lý hàng tuần", minutes.Markdown);
        Assert.Contains($"| Xác minh tình trạng an toàn của trẻ tại gia đình | {Police} |", minutes.Markdown);
        Assert.Contains(decision.Task + " |", minutes.Markdown);
        Assert.True(minutes.Markdown.IsNormalized(System.Text.NormalizationForm.FormC));
    }

    [Fact]
    public async Task Rescheduling_with_a_stale_etag_is_aborted_and_retries_change_nothing()
    {
        var create = new CreateConferenceRequest
        {
            Parent = Cluster, RequestId = Rid(), Conference = new Conference { StartTime = InDays(40), Title = "Hội thảo ca dời lịch" },
        };
        var conference = await Conferences.CreateConferenceAsync(create);
        var again = await Conferences.CreateConferenceAsync(create);
        Assert.Equal(conference.Name, again.Name);
        Assert.Matches("^clusters/hai-chau/conferences/[0-9]{4}-q[1-4]-x[0-9]+$", conference.Name);

        var move = new RescheduleConferenceRequest
        {
            Name = conference.Name, StartTime = InDays(45), Location = "Nhà văn hóa phường Thạch Thang", Reason = "Trùng lịch họp Hội đồng nhân dân",
            Etag = conference.Etag, RequestId = Rid(),
        };
        var moved = await Conferences.RescheduleConferenceAsync(move);
        var retried = await Conferences.RescheduleConferenceAsync(move);

        Assert.Equal(move.StartTime, moved.StartTime);
        Assert.Equal("Nhà văn hóa phường Thạch Thang", moved.Location);
        Assert.Equal("Trùng lịch họp Hội đồng nhân dân", moved.RescheduleReason);
        Assert.NotEqual(conference.Etag, moved.Etag);
        Assert.True(moved.PreparationTime.ToDateTimeOffset() < moved.StartTime.ToDateTimeOffset());
        Assert.Equal(moved.Etag, retried.Etag);
        await RpcAssert.Fails(StatusCode.Aborted, () => Conferences.RescheduleConferenceAsync(new RescheduleConferenceRequest
        {
            Name = conference.Name, StartTime = InDays(50), Reason = "Lần nữa", Etag = conference.Etag, RequestId = Rid(),
        }).ResponseAsync);
        var centre = await new InboxService.InboxServiceClient(Host.As(Coordinator)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 });
        Assert.Single(centre.Events, e => e.Type == InboxEventType.ConferenceRescheduled && e.Conference == conference.Name);
    }

    [Fact]
    public async Task A_held_conference_cannot_be_moved_or_prepared_again()
    {
        var conference = await NewConference("Hội thảo ca đã họp");
        await Conferences.RecordAttendanceAsync(new RecordAttendanceRequest
        {
            Name = conference.Name, RequestId = Rid(), Attendance = { new Attendee { DisplayName = "Lê Thị Thu Hà", Present = true } },
        });

        await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Conferences.RescheduleConferenceAsync(new RescheduleConferenceRequest
        {
            Name = conference.Name, StartTime = InDays(60), Reason = "Dời", RequestId = Rid(),
        }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Conferences.PrepareConferenceAsync(new PrepareConferenceRequest
        {
            Name = conference.Name, RequestId = Rid(),
        }).ResponseAsync);
    }

    [Fact]
    public async Task Invalid_requests_name_each_bad_field()
    {
        await RpcAssert.FailsWithFields(() => Conferences.CreateConferenceAsync(new CreateConferenceRequest
        {
            Parent = "cụm/hai-chau", Conference = new Conference { StartTime = InDays(-1) },
        }).ResponseAsync, "parent", "request_id", "conference.start_time");
        var conference = await NewConference("Hội thảo ca kiểm tra dữ liệu");
        await RpcAssert.FailsWithFields(() => Conferences.RecordCaseDiscussionAsync(new RecordCaseDiscussionRequest
        {
            Name = conference.Name, Case = "ho-so/1", RequestId = Rid(),
            Guidance = { new Guidance { Department = "agencies/hai-chau-1-justice" } },
            Decisions = { new Decision { Text = "Làm gì đó", DueTime = InDays(-2) } },
        }).ResponseAsync, "case", "guidance[0].text", "decisions[0].assignee", "decisions[0].due_time");
        await RpcAssert.FailsWithFields(() => Conferences.RescheduleConferenceAsync(new RescheduleConferenceRequest
        {
            Name = "clusters/hai-chau/conferences/quy-4", RequestId = Rid(),
        }).ResponseAsync, "name", "start_time", "reason");
        var caseName = await NewCase(Officer, "wards/hai-chau-1", "Đặng Văn Phúc");
        // Checked by the grain: an agency that does not exist.
        await RpcAssert.FailsWithFields(() => Conferences.RecordCaseDiscussionAsync(new RecordCaseDiscussionRequest
        {
            Name = conference.Name, Case = caseName, RequestId = Rid(),
            Decisions = { new Decision { Text = "Hỗ trợ", Assignee = "agencies/khong-ton-tai", DueTime = InDays(3) } },
        }).ResponseAsync, "decisions[0].assignee");
        await RpcAssert.Fails(StatusCode.NotFound, () => Conferences.GetConferenceAsync(new GetConferenceRequest
        {
            Name = "clusters/hai-chau/conferences/2020-q1-x9",
        }).ResponseAsync);
    }

    [Fact]
    public async Task Conferences_answer_plain_http_with_json_too()
    {
        var conference = await NewConference("Hội thảo ca qua REST");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Host.HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Host.TokenFor(Coordinator));

        using var got = await http.GetAsync($"/v1/{conference.Name}");
        using var prepared = await http.PostAsync($"/v1/{conference.Name}:prepare",
            new StringContent("""{"requestId":"rest-prepare-1"}""", System.Text.Encoding.UTF8, "application/json"));
        using var minutes = await http.GetAsync($"/v1/{conference.Name}/minutes");

        Assert.Equal(System.Net.HttpStatusCode.OK, got.StatusCode);
        using (var json = System.Text.Json.JsonDocument.Parse(await got.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Hội thảo ca qua REST", json.RootElement.GetProperty("title").GetString());
            Assert.Equal("CONFERENCE_KIND_EXTRAORDINARY", json.RootElement.GetProperty("kind").GetString());
        }
        Assert.Equal(System.Net.HttpStatusCode.OK, prepared.StatusCode);
        using (var json = System.Text.Json.JsonDocument.Parse(await prepared.Content.ReadAsStringAsync()))
        {
            Assert.Equal("CONFERENCE_STATE_PREPARED", json.RootElement.GetProperty("state").GetString());
        }
        Assert.Equal(System.Net.HttpStatusCode.OK, minutes.StatusCode);
        using (var json = System.Text.Json.JsonDocument.Parse(await minutes.Content.ReadAsStringAsync()))
        {
            Assert.StartsWith("# Biên bản hội thảo ca / Case conference minutes", json.RootElement.GetProperty("markdown").GetString());
        }
    }

    [Fact]
    public async Task Every_cluster_has_its_next_regular_conference_on_the_second_tuesday_of_the_quarter_at_eight_and_people_see_their_own_cluster()
    {
        var vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, vietnam);
        // Written out independently of the cron: the second Tuesday of the first month of a quarter, 08:00.
        DateTimeOffset SecondTuesday(int year, int month)
        {
            var day = new DateTime(year, month, 1);
            while (day.DayOfWeek != DayOfWeek.Tuesday)
            {
                day = day.AddDays(1);
            }
            return new DateTimeOffset(day.AddDays(7).AddHours(8), TimeSpan.FromHours(7));
        }
        var quarterMonth = ((now.Month - 1) / 3 * 3) + 1;
        var expected = SecondTuesday(now.Year, quarterMonth);
        if (expected <= now)
        {
            expected = quarterMonth == 10 ? SecondTuesday(now.Year + 1, 1) : SecondTuesday(now.Year, quarterMonth + 3);
        }
        var id = $"{expected.Year}-q{((expected.Month - 1) / 3) + 1}";

        Conference? regular = null;
        for (var i = 0; i < 100 && regular is null; i++)
        {
            var all = await Conferences.ListConferencesAsync(new ListConferencesRequest { Parent = "clusters/-", PageSize = 500 });
            regular = all.Conferences.FirstOrDefault(c => c.Name == $"clusters/thanh-khe/conferences/{id}");
            if (regular is null)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(regular);
        Assert.Equal(ConferenceKind.Regular, regular.Kind);
        Assert.Equal(expected, regular.StartTime.ToDateTimeOffset());
        Assert.Equal(id, regular.Quarter);
        Assert.True(regular.PreparationTime.ToDateTimeOffset() <= expected.AddDays(-14), "10 working days is at least two weeks");
        var seen = await new ConferenceService.ConferenceServiceClient(Host.As(OtherOfficer)).ListConferencesAsync(new ListConferencesRequest { Parent = "clusters/-" });
        Assert.Contains(seen.Conferences, c => c.Name == regular.Name);
        Assert.All(seen.Conferences, c => Assert.Equal("clusters/thanh-khe", c.Cluster));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => new ConferenceService.ConferenceServiceClient(Host.As(OtherOfficer))
            .ListConferencesAsync(new ListConferencesRequest { Parent = Cluster }).ResponseAsync);
    }
}
