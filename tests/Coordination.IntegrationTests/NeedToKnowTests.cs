using System.Text;
using System.Text.Json;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// One seeded host with the issue-13 scene: a Thạch Thang case flagged for the Hải Châu cluster's
/// conference with a free-text reason, a task for Thạch Thang's health department, a share and a
/// task for Thạch Thang's police, and a recorded discussion with a decision.
/// </summary>
public sealed class NeedToKnowFixture : IAsyncLifetime
{
    public const string FlagReason = "Cha dượng đe doạ người báo tin — chỉ Thạch Thang biết";
    public const string GuidanceText = "Ý kiến y tế: cần khám lại trong tuần";
    public const string DecisionText = "Trạm y tế Thạch Thang khám lại và báo cáo";

    public static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    public static readonly Actor Auditor = new("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city");
    public static readonly Actor ThachOfficer = new("users/thach-thang-officer", "Phạm Thị Ngọc Ánh", Actor.WardOfficer, "wards/thach-thang");
    public static readonly Actor ThachViceChair = new("users/thach-thang-vice-chair", "Lê Quang Vinh", Actor.WardViceChair, "wards/thach-thang");
    public static readonly Actor HaiChauOfficer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    public static readonly Actor HaiChauViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, "wards/hai-chau-1");
    public static readonly Actor HaiChauPolice = new("agencies/hai-chau-1-police", "Công an phường Hải Châu I", Actor.AgencySystem, "agencies/hai-chau-1-police");
    public static readonly Actor ThachHealth = new("agencies/thach-thang-health", "Trạm y tế Thạch Thang", Actor.AgencySystem, "agencies/thach-thang-health");
    public static readonly Actor ThachHealthLiaison = new("users/thach-thang-health-liaison", "Liên lạc y tế", Actor.AgencyLiaison, "agencies/thach-thang-health");
    public static readonly Actor ThachPolice = new("agencies/thach-thang-police", "Công an phường Thạch Thang", Actor.AgencySystem, "agencies/thach-thang-police");

    public TestDatabase Database { get; private set; } = null!;
    public PlatformHost Host { get; private set; } = null!;
    public string Case { get; private set; } = "";
    public string Conference { get; private set; } = "";
    public string HealthTask { get; private set; } = "";
    public string PoliceTask { get; private set; } = "";

    private static string Rid() => Guid.NewGuid().ToString();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Host = await PlatformHost.StartAsync(Database.ConnectionString, seedDemo: true);
        var cases = new CaseService.CaseServiceClient(Host.As(ThachOfficer));
        Case = (await cases.CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Rid(),
            Case = new Case
            {
                Ward = "wards/thach-thang", Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = "Châu Thị Bé", Sex = Sex.Female, ApproximateAgeYears = 8 },
            },
        })).Name;
        await cases.SetConferenceFlagAsync(new SetConferenceFlagRequest { Name = Case, Flagged = true, Reason = FlagReason, RequestId = Rid() });
        var ward = new WardService.WardServiceClient(Host.As(ThachViceChair));
        var later = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(5));
        HealthTask = (await ward.AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/thach-thang", Case = Case, Assignee = ThachHealth.Scope, Title = "Khám sức khoẻ", Instructions = "Khám tại nhà", DueTime = later, RequestId = Rid(),
        })).Name;
        PoliceTask = (await ward.AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/thach-thang", Case = Case, Assignee = ThachPolice.Scope, Title = "Xác minh", Instructions = "Xác minh tại nhà", DueTime = later, RequestId = Rid(),
        })).Name;
        await cases.RecordConsentAsync(new RecordConsentRequest
        {
            Parent = Case, RequestId = Rid(),
            Consent = new Consent
            {
                GivenByKind = ConsentGiverKind.Parent, GivenByName = "Châu Thị Mẹ", Relationship = "Mẹ",
                AgencyKinds = { AgencyKind.Police }, DataScopes = { ConsentDataScope.FullRecord }, Purpose = "Bảo vệ trẻ", FormReference = "PĐY-NTK-1",
            },
        });
        await cases.SetCaseSharingAsync(new SetCaseSharingRequest { Name = Case, Agency = ThachPolice.Scope, Shared = true, RequestId = Rid() });

        var conferences = new ConferenceService.ConferenceServiceClient(Host.As(Coordinator));
        var created = await conferences.CreateConferenceAsync(new CreateConferenceRequest
        {
            Parent = "clusters/hai-chau", RequestId = Rid(),
            Conference = new Conference { StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(20)), Title = "Hội thảo ca — cần biết", Location = "UBND phường Thạch Thang" },
        });
        Conference = created.Name;
        // The agenda is built from the read model: wait until it holds the flagged case.
        Conference? prepared = null;
        for (var i = 0; i < 50; i++)
        {
            var c = await conferences.GetConferenceAsync(new GetConferenceRequest { Name = Conference });
            if (c.State == ConferenceState.Scheduled)
            {
                prepared = await conferences.PrepareConferenceAsync(new PrepareConferenceRequest { Name = Conference, RequestId = Rid() });
            }
            if (prepared?.Agenda.Any(a => a.Case == Case) == true)
            {
                break;
            }
            // A prepared agenda without the case: start over with a new conference.
            Conference = (await conferences.CreateConferenceAsync(new CreateConferenceRequest
            {
                Parent = "clusters/hai-chau", RequestId = Rid(),
                Conference = new Conference { StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(20)), Title = "Hội thảo ca — cần biết", Location = "UBND phường Thạch Thang" },
            })).Name;
            await Task.Delay(100);
        }
        Assert.NotNull(prepared);
        Assert.Contains(prepared.Agenda, a => a.Case == Case);
        await conferences.RecordAttendanceAsync(new RecordAttendanceRequest
        {
            Name = Conference, RequestId = Rid(),
            Attendance =
            {
                new Attendee { Participant = ThachHealth.Scope, DisplayName = "Bác sĩ Trạm y tế", Organization = "Trạm y tế Thạch Thang", Role = "Y tế", Present = true },
                new Attendee { Participant = HaiChauPolice.Scope, DisplayName = "Thiếu tá Công an", Organization = "Công an phường Hải Châu I", Role = "Công an", Present = true },
                new Attendee { Participant = "users/thach-thang-vice-chair", DisplayName = "Lê Quang Vinh", Organization = "UBND phường Thạch Thang", Role = "Phó Chủ tịch", Present = true },
            },
        });
        await conferences.RecordCaseDiscussionAsync(new RecordCaseDiscussionRequest
        {
            Name = Conference, Case = Case, RequestId = Rid(), CentreProposal = "Đề xuất của Trung tâm: theo dõi sát",
            Guidance = { new Guidance { Department = ThachHealth.Scope, Text = GuidanceText } },
            Decisions = { new Decision { Text = DecisionText, Assignee = ThachHealth.Scope, DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(10)) } },
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// Need to know in content (issue 13): the authorization matrix's content rows. For each projection,
/// a text or field one role sees is absent for another; plus no existence oracle in AssignTask and
/// page tokens that are validated everywhere.
/// </summary>
[Collection(Lanes.Work)]
public sealed class NeedToKnowTests(NeedToKnowFixture f) : IClassFixture<NeedToKnowFixture>
{
    private static string Rid() => Guid.NewGuid().ToString();

    private ConferenceService.ConferenceServiceClient Conferences(Actor a) => new(f.Host.As(a));

    /// <summary>Everything a caller receives about the conference, as text: the Get, the List and the minutes.</summary>
    private async Task<(Conference Got, string All)> Seen(Actor a)
    {
        var c = Conferences(a);
        var got = await c.GetConferenceAsync(new GetConferenceRequest { Name = f.Conference });
        var listed = await c.ListConferencesAsync(new ListConferencesRequest { Parent = "clusters/hai-chau", PageSize = 100 });
        var minutes = await c.GetConferenceMinutesAsync(new GetConferenceMinutesRequest { Name = f.Conference });
        Assert.Contains(listed.Conferences, x => x.Name == f.Conference);
        Assert.Equal(got.Name, minutes.Conference.Name);
        return (got, JsonFormatter.Default.Format(got) + JsonFormatter.Default.Format(listed) + JsonFormatter.Default.Format(minutes));
    }

    [Fact]
    public async Task The_flag_reason_is_seen_by_the_writing_ward_the_centre_and_the_auditor()
    {
        foreach (var a in new[] { NeedToKnowFixture.Coordinator, NeedToKnowFixture.Auditor, NeedToKnowFixture.ThachOfficer })
        {
            var (got, all) = await Seen(a);
            Assert.Contains(NeedToKnowFixture.FlagReason, Assert.Single(got.Agenda, x => x.Case == f.Case).Summary);
            Assert.Contains(NeedToKnowFixture.GuidanceText, all);
            Assert.Contains(NeedToKnowFixture.DecisionText, all);
            Assert.Equal(3, got.Attendance.Count);
        }
    }

    [Fact]
    public async Task The_leak_is_closed_a_police_post_without_a_task_sees_time_place_and_its_invitation_only()
    {
        var (got, all) = await Seen(NeedToKnowFixture.HaiChauPolice);

        Assert.DoesNotContain(NeedToKnowFixture.FlagReason, all);
        Assert.DoesNotContain(NeedToKnowFixture.GuidanceText, all);
        Assert.DoesNotContain(NeedToKnowFixture.DecisionText, all);
        Assert.DoesNotContain(f.Case, all);
        Assert.Empty(got.Agenda);
        Assert.Empty(got.Discussions);
        Assert.Equal("UBND phường Thạch Thang", got.Location);
        Assert.NotNull(got.StartTime);
        var invitation = Assert.Single(got.Attendance);
        Assert.Equal(NeedToKnowFixture.HaiChauPolice.Scope, invitation.Participant);
        Assert.DoesNotContain("Lê Quang Vinh", all);
    }

    [Fact]
    public async Task An_officer_of_another_ward_of_the_cluster_sees_the_case_id_and_step_only()
    {
        var (got, all) = await Seen(NeedToKnowFixture.HaiChauOfficer);

        var item = Assert.Single(got.Agenda, x => x.Case == f.Case);
        Assert.StartsWith("Bước / step: ", item.Summary);
        Assert.DoesNotContain(";", item.Summary);
        Assert.Contains(AgendaReason.Flagged, item.Reasons);
        Assert.DoesNotContain(NeedToKnowFixture.FlagReason, all);
        Assert.DoesNotContain(NeedToKnowFixture.GuidanceText, all);
        Assert.DoesNotContain(NeedToKnowFixture.DecisionText, all);
        Assert.DoesNotContain("Đề xuất của Trung tâm: theo dõi sát", all);
        var discussion = Assert.Single(got.Discussions, d => d.Case == f.Case);
        Assert.Empty(discussion.Decisions);
        Assert.Empty(discussion.Guidance);
        Assert.Equal("", discussion.RecordedBy.DisplayName);
    }

    [Fact]
    public async Task An_agency_with_a_task_on_the_case_sees_its_agenda_item_and_decision_system_and_liaison_alike()
    {
        foreach (var a in new[] { NeedToKnowFixture.ThachHealth, NeedToKnowFixture.ThachHealthLiaison })
        {
            var (got, all) = await Seen(a);

            Assert.Contains(NeedToKnowFixture.FlagReason, Assert.Single(got.Agenda, x => x.Case == f.Case).Summary);
            var decision = Assert.Single(Assert.Single(got.Discussions, d => d.Case == f.Case).Decisions);
            Assert.Equal(NeedToKnowFixture.DecisionText, decision.Text);
            Assert.Contains(NeedToKnowFixture.DecisionText, all);
            Assert.Equal(NeedToKnowFixture.ThachHealth.Scope, Assert.Single(got.Attendance).Participant);
        }
        // The shared agency (a share and a task) sees the case too.
        var (police, _) = await Seen(NeedToKnowFixture.ThachPolice);
        Assert.Single(police.Agenda, x => x.Case == f.Case);
        Assert.Empty(police.Attendance);
    }

    [Fact]
    public async Task The_minutes_say_no_more_than_the_conference()
    {
        var minutes = (Actor a) => Conferences(a).GetConferenceMinutesAsync(new GetConferenceMinutesRequest { Name = f.Conference }).ResponseAsync;

        var centre = (await minutes(NeedToKnowFixture.Coordinator)).Markdown;
        var health = (await minutes(NeedToKnowFixture.ThachHealth)).Markdown;
        var otherWard = (await minutes(NeedToKnowFixture.HaiChauOfficer)).Markdown;
        var police = (await minutes(NeedToKnowFixture.HaiChauPolice)).Markdown;

        Assert.Contains(NeedToKnowFixture.FlagReason, centre);
        Assert.Contains("Lê Quang Vinh", centre);
        Assert.Contains(NeedToKnowFixture.FlagReason, health);
        Assert.Contains(NeedToKnowFixture.DecisionText, health);
        Assert.DoesNotContain("Lê Quang Vinh", health);
        Assert.Contains(f.Case, otherWard);
        Assert.DoesNotContain(NeedToKnowFixture.FlagReason, otherWard);
        Assert.DoesNotContain(NeedToKnowFixture.DecisionText, otherWard);
        Assert.DoesNotContain(f.Case, police);
        Assert.DoesNotContain(NeedToKnowFixture.FlagReason, police);
    }

    [Fact]
    public async Task A_shared_agency_s_timeline_holds_the_case_and_its_own_task_not_another_agency_s()
    {
        var request = new ListCaseTimelineRequest { Name = f.Case, PageSize = 500 };
        var centre = (await new CaseService.CaseServiceClient(f.Host.As(NeedToKnowFixture.Coordinator)).ListCaseTimelineAsync(request)).Entries;
        var shared = (await new CaseService.CaseServiceClient(f.Host.As(NeedToKnowFixture.ThachPolice)).ListCaseTimelineAsync(request)).Entries;

        Assert.Contains(centre, e => e.Resource == f.HealthTask);
        Assert.Contains(centre, e => e.Resource == f.PoliceTask);
        Assert.Contains(shared, e => e.Resource == f.PoliceTask);
        Assert.Contains(shared, e => e.Action == "CASE_OPENED");
        Assert.DoesNotContain(shared, e => e.Resource == f.HealthTask);
        Assert.DoesNotContain(shared, e => e.Resource.StartsWith("tasks/", StringComparison.Ordinal) && e.Resource != f.PoliceTask);
    }

    [Fact]
    public async Task Assigning_a_task_on_another_ward_s_case_answers_exactly_as_for_a_case_that_does_not_exist()
    {
        var ward = new WardService.WardServiceClient(f.Host.As(NeedToKnowFixture.HaiChauViceChair));
        AssignTaskRequest On(string c) => new()
        {
            Ward = "wards/hai-chau-1", Case = c, Assignee = "agencies/hai-chau-1-police", Title = "t", Instructions = "i",
            DueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)), RequestId = Rid(),
        };
        const string Missing = "cases/khong-co-ho-so-nay";

        var other = await Assert.ThrowsAsync<RpcException>(() => ward.AssignTaskAsync(On(f.Case)).ResponseAsync);
        var none = await Assert.ThrowsAsync<RpcException>(() => ward.AssignTaskAsync(On(Missing)).ResponseAsync);

        string Shape(RpcException e, string name)
        {
            var status = e.GetRpcStatus()!;
            var bad = status.GetDetail<BadRequest>();
            return $"{e.StatusCode}|{e.Status.Detail.Replace(name, "{case}")}|{status.GetDetail<ErrorInfo>()?.Reason}|" +
                string.Join(";", bad?.FieldViolations.Select(v => v.Field + "=" + v.Description.Replace(name, "{case}")) ?? []);
        }
        Assert.Equal(StatusCode.InvalidArgument, none.StatusCode);
        Assert.Equal(Shape(none, Missing), Shape(other, f.Case));
    }

    private static string Forge(string after, string filter) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { After = after, Filter = filter })).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Tamper(string token, string after)
    {
        var b64 = token.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        var doc = JsonDocument.Parse(Convert.FromBase64String(b64)).RootElement;
        return Forge(after, doc.GetProperty("Filter").GetString()!);
    }

    [Fact]
    public async Task Forged_or_tampered_page_tokens_are_invalid_argument_naming_page_token_on_every_list()
    {
        var c = f.Host.As(NeedToKnowFixture.Coordinator);
        var cases = new CaseService.CaseServiceClient(c);
        var tasks = new TaskService.TaskServiceClient(c);
        var directory = new DirectoryService.DirectoryServiceClient(c);
        var conferences = new ConferenceService.ConferenceServiceClient(c);
        // A second case, so that the case list has a second page.
        await new CaseService.CaseServiceClient(f.Host.As(NeedToKnowFixture.ThachOfficer)).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Rid(),
            Case = new Case
            {
                Ward = "wards/thach-thang", Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = "Hồ Văn Bé", Sex = Sex.Male, ApproximateAgeYears = 5 },
            },
        });
        var clusterToken = (await directory.ListClustersAsync(new ListClustersRequest { PageSize = 1 })).NextPageToken;
        var caseToken = "";
        for (var i = 0; i < 50 && caseToken.Length == 0; i++)
        {
            caseToken = (await cases.ListCasesAsync(new ListCasesRequest { PageSize = 1 })).NextPageToken;
            await Task.Delay(caseToken.Length == 0 ? 100 : 0);
        }
        var taskToken = (await tasks.ListTasksAsync(new ListTasksRequest { PageSize = 1 })).NextPageToken;
        var timelineToken = (await cases.ListCaseTimelineAsync(new ListCaseTimelineRequest { Name = f.Case, PageSize = 1 })).NextPageToken;
        Assert.All(new[] { clusterToken, caseToken, taskToken, timelineToken }, t => Assert.NotEqual("", t));
        var garbage = new[] { "!!not base64!!", Convert.ToBase64String(Guid.NewGuid().ToByteArray()), clusterToken + "x", "bnVsbA" /* "null" */ };

        var lists = new Dictionary<string, (Func<string, Task> Call, string[] Bad)>
        {
            ["ListClusters"] = (t => directory.ListClustersAsync(new ListClustersRequest { PageToken = t }).ResponseAsync, [caseToken, Forge("", "")]),
            ["ListWards"] = (t => directory.ListWardsAsync(new ListWardsRequest { PageToken = t }).ResponseAsync, [clusterToken]),
            ["ListAgencies"] = (t => directory.ListAgenciesAsync(new ListAgenciesRequest { PageToken = t }).ResponseAsync, [clusterToken]),
            ["ListAgencyServices"] = (t => directory.ListAgencyServicesAsync(new ListAgencyServicesRequest { Parent = "agencies/-", PageToken = t }).ResponseAsync, [clusterToken]),
            ["ListCases"] = (t => cases.ListCasesAsync(new ListCasesRequest { PageToken = t }).ResponseAsync,
                [clusterToken, taskToken, Tamper(caseToken, "9223372036854775807|x"), Tamper(caseToken, "abc|x"), Tamper(caseToken, "-5|x"), Tamper(caseToken, "5|")]),
            ["ListTasks"] = (t => tasks.ListTasksAsync(new ListTasksRequest { PageToken = t }).ResponseAsync,
                [caseToken, Tamper(taskToken, "9223372036854775807|x"), Tamper(taskToken, "x")]),
            ["ListCaseTimeline"] = (t => cases.ListCaseTimelineAsync(new ListCaseTimelineRequest { Name = f.Case, PageToken = t }).ResponseAsync,
                [caseToken, Tamper(timelineToken, "abc"), Tamper(timelineToken, "-1"), Tamper(timelineToken, "99999999999999")]),
            ["ListConferences"] = (t => conferences.ListConferencesAsync(new ListConferencesRequest { Parent = "clusters/hai-chau", PageToken = t }).ResponseAsync,
                [clusterToken, Forge("9223372036854775807|x", "conferences:hai-chau"), Forge("not-a-cursor", "conferences:hai-chau")]),
            ["ListCounsellingSessions"] = (t => new CounsellingService.CounsellingServiceClient(c).ListCounsellingSessionsAsync(new ListCounsellingSessionsRequest { PageToken = t }).ResponseAsync, [clusterToken, caseToken]),
            ["ListAuditEvents"] = (t => new AuditService.AuditServiceClient(c).ListAuditEventsAsync(new ListAuditEventsRequest { Case = f.Case, PageToken = t }).ResponseAsync,
                [clusterToken, Forge("abc", f.Case + "|"), Forge("-3", f.Case + "|"), Forge("99999999999999999999999", f.Case + "|")]),
            ["ListAccounts"] = (t => new AccountService.AccountServiceClient(c).ListAccountsAsync(new ListAccountsRequest { PageToken = t }).ResponseAsync, [clusterToken]),
        };
        var failures = new List<string>();
        foreach (var (name, (call, bad)) in lists)
        {
            foreach (var token in garbage.Concat(bad))
            {
                try
                {
                    await call(token);
                    failures.Add($"{name} accepted {token}");
                }
                catch (RpcException e)
                {
                    var fields = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
                    if (e.StatusCode != StatusCode.InvalidArgument || !fields.Contains("page_token"))
                    {
                        failures.Add($"{name} with {token}: {e.StatusCode} {string.Join(",", fields)} {e.Status.Detail}");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // A genuine token still pages, and a tampered-but-well-formed offset stays inside the caller's view.
        var shared = new CaseService.CaseServiceClient(f.Host.As(NeedToKnowFixture.ThachPolice));
        var second = await shared.ListCaseTimelineAsync(new ListCaseTimelineRequest { Name = f.Case, PageToken = Tamper(timelineToken, "1"), PageSize = 500 });
        Assert.DoesNotContain(second.Entries, e => e.Resource == f.HealthTask);
        Assert.NotEmpty((await cases.ListCasesAsync(new ListCasesRequest { PageToken = caseToken })).Cases);
    }
}
