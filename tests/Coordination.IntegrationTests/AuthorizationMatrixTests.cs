using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// Every RPC × every role × own/other jurisdiction against the real host. The expectations below are
/// written out by hand from the issue's rules; the test fails if an RPC has no row.
/// </summary>
[Collection(Lanes.Work)]
public sealed class AuthorizationMatrixTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private const string Ward = "wards/hai-chau-1";
    private const string Police = "agencies/hai-chau-1-police";

    private static readonly Dictionary<string, Actor> Actors = new()
    {
        ["coordinator"] = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city"),
        ["case-worker"] = new("users/case-worker", "Phan Văn Đức", Actor.CaseWorker, "city"),
        ["auditor"] = new("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city"),
        ["vice-chair/own"] = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, Ward),
        ["vice-chair/other"] = new("users/xuan-ha-vice-chair", "Đỗ Minh Tuấn", Actor.WardViceChair, "wards/xuan-ha"),
        ["officer/own"] = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, Ward),
        ["officer/other"] = new("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha"),
        ["agency/own"] = new(Police, "Công an phường Hải Châu I", Actor.AgencySystem, Police),
        ["agency/other"] = new("agencies/xuan-ha-police", "Công an phường Xuân Hà", Actor.AgencySystem, "agencies/xuan-ha-police"),
        ["liaison/own"] = new("users/police-liaison", "Cán bộ liên lạc", Actor.AgencyLiaison, Police),
        ["liaison/other"] = new("users/xuan-ha-liaison", "Cán bộ liên lạc", Actor.AgencyLiaison, "agencies/xuan-ha-police"),
    };

    private static readonly string[] Everyone = [.. Actors.Keys];
    private static readonly string[] CityReaders = ["coordinator", "case-worker", "auditor"];
    private static readonly string[] CaseReaders = [.. CityReaders, "vice-chair/own", "officer/own"];
    private static readonly string[] CaseWriters = ["coordinator", "case-worker", "vice-chair/own", "officer/own"];
    private static readonly string[] Assignee = ["agency/own", "liaison/own"];
    private static readonly string[] Assigner = ["vice-chair/own"];
    // Conferences of Hải Châu I's cluster: the city, the cluster's ward people and its departments read; coordinators run them.
    private static readonly string[] ConferenceReaders = [.. CaseReaders, .. Assignee];
    private static readonly string[] ConferenceRunners = ["coordinator"];

    private sealed record Row(string[] Allowed, Func<CallInvoker, State, Task> Call);

    /// <summary>Resources the calls act on: a case of Hải Châu I and a task for its police.</summary>
    private sealed class State
    {
        public string Case = "";
        public string Task = "";
        public string Agency = "";
        public string Conference = "";
        public string Password = "";
        public string Session = "";
        public string SessionEtag = "";
        public string ClientSecret = "";
    }

    private static string Rid() => Guid.NewGuid().ToString();

    private static Timestamp Later => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3));

    private static Case NewCase() => new()
    {
        Ward = Ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
        Person = new Person { DisplayName = "Trẻ ma trận", Sex = Sex.Female, ApproximateAgeYears = 7 },
    };

    private static readonly Dictionary<string, Row> Rows = new()
    {
        ["DirectoryService/GetWard"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).GetWardAsync(new() { Name = Ward }).ResponseAsync),
        ["DirectoryService/ListWards"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).ListWardsAsync(new()).ResponseAsync),
        ["DirectoryService/GetCluster"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).GetClusterAsync(new() { Name = "clusters/hai-chau" }).ResponseAsync),
        ["DirectoryService/ListClusters"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).ListClustersAsync(new()).ResponseAsync),
        ["DirectoryService/GetAgency"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).GetAgencyAsync(new() { Name = Police }).ResponseAsync),
        ["DirectoryService/ListAgencies"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).ListAgenciesAsync(new()).ResponseAsync),
        ["DirectoryService/CreateAgency"] = new(["coordinator"], (c, _) => new DirectoryService.DirectoryServiceClient(c).CreateAgencyAsync(new()
        {
            AgencyId = "m-" + Guid.NewGuid().ToString("N")[..10], RequestId = Rid(), Agency = new Agency { DisplayName = "Nhóm thử", Kind = AgencyKind.Other },
        }).ResponseAsync),
        ["DirectoryService/UpdateAgency"] = new(["coordinator"], (c, s) => new DirectoryService.DirectoryServiceClient(c).UpdateAgencyAsync(new()
        {
            Agency = new Agency { Name = s.Agency, Address = "Đà Nẵng" }, UpdateMask = FieldMask.FromString("address"), RequestId = Rid(),
        }).ResponseAsync),

        ["DirectoryService/ImportDirectory"] = new(["coordinator"], (c, _) => new DirectoryService.DirectoryServiceClient(c).ImportDirectoryAsync(new()
        {
            ValidateOnly = true,
            Rows = { new DirectoryImportRow { Line = 2, Type = DirectoryRowType.Cluster, Id = "hai-chau", DisplayName = "Cụm Hải Châu" } },
        }).ResponseAsync),
        // The service catalogue: everyone reads it; coordinators add services; the agency itself keeps its capacity current.
        ["DirectoryService/GetAgencyService"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).GetAgencyServiceAsync(new()
        {
            Name = Police + "/services/xac-minh-xu-ly",
        }).ResponseAsync),
        ["DirectoryService/ListAgencyServices"] = new(Everyone, (c, _) => new DirectoryService.DirectoryServiceClient(c).ListAgencyServicesAsync(new()
        {
            Parent = Police,
        }).ResponseAsync),
        ["DirectoryService/CreateAgencyService"] = new(["coordinator"], (c, _) => new DirectoryService.DirectoryServiceClient(c).CreateAgencyServiceAsync(new()
        {
            Parent = Police, ServiceId = "m-" + Guid.NewGuid().ToString("N")[..10], RequestId = Rid(),
            Service = new AgencyService
            {
                DisplayName = "Dịch vụ thử", Kind = ServiceKind.Other,
                ResponseTime = new ResponseTime { Value = 2, Unit = ResponseTimeUnit.WorkingDays },
            },
        }).ResponseAsync),
        ["DirectoryService/UpdateAgencyService"] = new(["coordinator", "agency/own", "liaison/own"], (c, _) => new DirectoryService.DirectoryServiceClient(c).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = Police + "/services/xac-minh-xu-ly", Capacity = ServiceCapacity.Open },
            UpdateMask = FieldMask.FromString("capacity"), RequestId = Rid(),
        }).ResponseAsync),

        // Statistics: the city's readers any scope, a ward's people their ward (an agency only its own tasks, scope agencies/{agency}).
        ["ReportService/GetReport"] = new(CaseReaders, (c, _) => new ReportService.ReportServiceClient(c).GetReportAsync(new()
        {
            Scope = Ward, Period = new ReportPeriod { Year = DateTime.UtcNow.Year },
        }).ResponseAsync),
        ["ReportService/ExportReport"] = new(CaseReaders, async (c, _) =>
        {
            using var call = new ReportService.ReportServiceClient(c).ExportReport(new()
            {
                Scope = Ward, Period = new ReportPeriod { Year = DateTime.UtcNow.Year }, Format = ExportFormat.Csv,
            });
            while (await call.ResponseStream.MoveNext())
            {
            }
        }),
        // Case exports: coordinators and the ward's own people; never agencies, case workers or auditors.
        ["ReportService/ExportCases"] = new(["coordinator", "vice-chair/own", "officer/own"], async (c, _) =>
        {
            using var call = new ReportService.ReportServiceClient(c).ExportCases(new() { Scope = Ward, Format = ExportFormat.Csv });
            while (await call.ResponseStream.MoveNext())
            {
            }
        }),

        ["CaseService/CreateCase"] = new(CaseWriters, (c, _) => new CaseService.CaseServiceClient(c).CreateCaseAsync(new() { Case = NewCase(), RequestId = Rid() }).ResponseAsync),
        ["CaseService/GetCase"] = new(CaseReaders, (c, s) => new CaseService.CaseServiceClient(c).GetCaseAsync(new() { Name = s.Case }).ResponseAsync),
        ["CaseService/ListCases"] = new(CaseReaders, (c, _) => new CaseService.CaseServiceClient(c).ListCasesAsync(new() { Ward = Ward }).ResponseAsync),
        ["CaseService/ListCaseTimeline"] = new(CaseReaders, (c, s) => new CaseService.CaseServiceClient(c).ListCaseTimelineAsync(new() { Name = s.Case }).ResponseAsync),
        ["CaseService/UpdateCase"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).UpdateCaseAsync(new()
        {
            Case = new Case { Name = s.Case, Account = "Bổ sung" }, UpdateMask = FieldMask.FromString("account"), RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/RecordInitialAssessment"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).RecordInitialAssessmentAsync(new()
        {
            Name = s.Case, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.Medium, Findings = "x" },
        }).ResponseAsync),
        ["CaseService/RecordDetailedAssessment"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).RecordDetailedAssessmentAsync(new()
        {
            Name = s.Case, RequestId = Rid(), Assessment = new Assessment { Findings = "x" },
        }).ResponseAsync),
        ["CaseService/ProposePlan"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).ProposePlanAsync(new()
        {
            Name = s.Case, RequestId = Rid(), Plan = new SupportPlan { Goal = "g", Items = { new PlanItem { Action = "a", Responsible = Police } } },
        }).ResponseAsync),
        ["CaseService/ApprovePlan"] = new(["vice-chair/own"], (c, s) => new CaseService.CaseServiceClient(c).ApprovePlanAsync(new() { Name = s.Case, RequestId = Rid() }).ResponseAsync),
        ["CaseService/ReturnPlan"] = new(["vice-chair/own"], (c, s) => new CaseService.CaseServiceClient(c).ReturnPlanAsync(new() { Name = s.Case, Reason = "r", RequestId = Rid() }).ResponseAsync),
        ["CaseService/StartIntervention"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).StartInterventionAsync(new() { Name = s.Case, RequestId = Rid() }).ResponseAsync),
        ["CaseService/RecordReview"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).RecordReviewAsync(new()
        {
            Name = s.Case, Summary = "s", Decision = ReviewDecision.Continue, RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/AddCaseNote"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).AddCaseNoteAsync(new() { Name = s.Case, Text = "n", RequestId = Rid() }).ResponseAsync),
        ["CaseService/SetConferenceFlag"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).SetConferenceFlagAsync(new()
        {
            Name = s.Case, Flagged = true, Reason = "r", RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/CloseCase"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).CloseCaseAsync(new()
        {
            Name = s.Case, Reason = "r", Outcome = "o", RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/FindPossibleDuplicates"] = new(CaseWriters, (c, _) => new CaseService.CaseServiceClient(c).FindPossibleDuplicatesAsync(new()
        {
            PersonDisplayName = "Trẻ ma trận", ApproximateAgeYears = 7, Ward = Ward, Phone = "0905 000 111",
        }).ResponseAsync),
        // Counselling: the Centre's staff anywhere, the ward's own people; auditors read; agencies never.
        ["CounsellingService/RecordCounsellingSession"] = new(CaseWriters, (c, _) => new CounsellingService.CounsellingServiceClient(c).RecordCounsellingSessionAsync(new()
        {
            RequestId = Rid(),
            CounsellingSession = new CounsellingSession { Ward = Ward, Channel = CounsellingChannel.Phone, Topics = { CounsellingTopic.ChildCare }, DurationMinutes = 10 },
        }).ResponseAsync),
        ["CounsellingService/GetCounsellingSession"] = new(CaseReaders, (c, s) => new CounsellingService.CounsellingServiceClient(c).GetCounsellingSessionAsync(new() { Name = s.Session }).ResponseAsync),
        ["CounsellingService/ListCounsellingSessions"] = new(CaseReaders, (c, _) => new CounsellingService.CounsellingServiceClient(c).ListCounsellingSessionsAsync(new() { Ward = Ward }).ResponseAsync),
        ["CounsellingService/LinkCounsellingSession"] = new(CaseWriters, (c, s) => new CounsellingService.CounsellingServiceClient(c).LinkCounsellingSessionAsync(new()
        {
            Name = s.Session, Case = s.Case, Etag = s.SessionEtag, RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/SetCaseSharing"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).SetCaseSharingAsync(new()
        {
            Name = s.Case, Agency = "agencies/danang-swc", Shared = true, RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/RecordConsent"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).RecordConsentAsync(new()
        {
            Parent = s.Case, RequestId = Rid(),
            Consent = new Consent
            {
                GivenByKind = ConsentGiverKind.Parent, GivenByName = "Trần Thị B", Relationship = "Mẹ", AgencyKinds = { AgencyKind.Police },
                DataScopes = { ConsentDataScope.CaseSummary }, Purpose = "Chuyển tuyến",
            },
        }).ResponseAsync),
        ["CaseService/WithdrawConsent"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).WithdrawConsentAsync(new()
        {
            Name = s.Case + "/consents/1", Reason = "r", RequestId = Rid(),
        }).ResponseAsync),
        ["CaseService/ReopenCase"] = new(CaseWriters, (c, s) => new CaseService.CaseServiceClient(c).ReopenCaseAsync(new() { Name = s.Case, Reason = "r", RequestId = Rid() }).ResponseAsync),

        ["TaskService/CreateReferral"] = new(CaseWriters, (c, s) => new TaskService.TaskServiceClient(c).CreateReferralAsync(new()
        {
            Case = s.Case, Assignee = "agencies/danang-swc", DueTime = Later, RequestId = Rid(),
            Dossier = new ReferralDossier { Reason = "r", RequestedService = "Trị liệu tâm lý", ConsentGiven = true },
        }).ResponseAsync),
        ["TaskService/GetTask"] = new([.. CaseReaders, .. Assignee], (c, s) => new TaskService.TaskServiceClient(c).GetTaskAsync(new() { Name = s.Task }).ResponseAsync),
        ["TaskService/ListTasks"] = new([.. CaseReaders, .. Assignee], (c, _) => new TaskService.TaskServiceClient(c).ListTasksAsync(new() { Ward = Ward, Assignee = Police }).ResponseAsync),
        ["TaskService/ReceiveTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).ReceiveTaskAsync(new() { Name = s.Task, RequestId = Rid() }).ResponseAsync),
        ["TaskService/AcceptTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).AcceptTaskAsync(new() { Name = s.Task, RequestId = Rid() }).ResponseAsync),
        ["TaskService/RejectTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).RejectTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }).ResponseAsync),
        ["TaskService/StartTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).StartTaskAsync(new() { Name = s.Task, RequestId = Rid() }).ResponseAsync),
        ["TaskService/HoldTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).HoldTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }).ResponseAsync),
        ["TaskService/ReportProgress"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).ReportProgressAsync(new() { Name = s.Task, Note = "n", RequestId = Rid() }).ResponseAsync),
        ["TaskService/CompleteTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).CompleteTaskAsync(new()
        {
            Name = s.Task, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "a", Result = "r" },
        }).ResponseAsync),
        ["TaskService/FailTask"] = new(Assignee, (c, s) => new TaskService.TaskServiceClient(c).FailTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }).ResponseAsync),
        ["TaskService/CancelTask"] = new(Assigner, (c, s) => new TaskService.TaskServiceClient(c).CancelTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }).ResponseAsync),
        ["TaskService/ReassignTask"] = new(Assigner, (c, s) => new TaskService.TaskServiceClient(c).ReassignTaskAsync(new()
        {
            Name = s.Task, Assignee = "agencies/danang-hospital", Reason = "r", DueTime = Later, RequestId = Rid(),
        }).ResponseAsync),
        ["TaskService/ReviewOutcome"] = new(Assigner, (c, s) => new TaskService.TaskServiceClient(c).ReviewOutcomeAsync(new() { Name = s.Task, RequestId = Rid() }).ResponseAsync),
        ["TaskService/AddTaskComment"] = new([.. Assignee, .. Assigner], (c, s) => new TaskService.TaskServiceClient(c).AddTaskCommentAsync(new() { Name = s.Task, Text = "c", RequestId = Rid() }).ResponseAsync),

        ["AuditService/ListAuditEvents"] = new(["coordinator", "auditor"], (c, s) => new AuditService.AuditServiceClient(c).ListAuditEventsAsync(new() { Case = s.Case }).ResponseAsync),

        ["PartnerService/ListEvents"] = new(["coordinator", .. Assignee], (c, _) => new PartnerService.PartnerServiceClient(c).ListEventsAsync(new() { Agency = Police }).ResponseAsync),
        ["PartnerService/WatchEvents"] = new(["coordinator", .. Assignee], async (c, _) =>
        {
            using var watch = new PartnerService.PartnerServiceClient(c).WatchEvents(new() { Agency = Police }, deadline: DateTime.UtcNow.AddMilliseconds(500));
            while (await watch.ResponseStream.MoveNext())
            {
            }
        }),
        ["PartnerService/AckEvents"] = new(Assignee, (c, _) => new PartnerService.PartnerServiceClient(c).AckEventsAsync(new() { Agency = Police, UpToSequence = 1 }).ResponseAsync),

        ["ConferenceService/GetConference"] = new(ConferenceReaders, (c, s) => new ConferenceService.ConferenceServiceClient(c).GetConferenceAsync(new() { Name = s.Conference }).ResponseAsync),
        ["ConferenceService/ListConferences"] = new(ConferenceReaders, (c, _) => new ConferenceService.ConferenceServiceClient(c).ListConferencesAsync(new() { Parent = "clusters/hai-chau" }).ResponseAsync),
        ["ConferenceService/GetConferenceMinutes"] = new(ConferenceReaders, (c, s) => new ConferenceService.ConferenceServiceClient(c).GetConferenceMinutesAsync(new() { Name = s.Conference }).ResponseAsync),
        ["ConferenceService/CreateConference"] = new(ConferenceRunners, (c, _) => new ConferenceService.ConferenceServiceClient(c).CreateConferenceAsync(new()
        {
            Parent = "clusters/hai-chau", RequestId = Rid(), Conference = new Conference { StartTime = Later, Title = "Hội thảo ca bất thường" },
        }).ResponseAsync),
        ["ConferenceService/RescheduleConference"] = new(ConferenceRunners, (c, s) => new ConferenceService.ConferenceServiceClient(c).RescheduleConferenceAsync(new()
        {
            Name = s.Conference, StartTime = Later, Reason = "Trùng lịch", RequestId = Rid(),
        }).ResponseAsync),
        ["ConferenceService/PrepareConference"] = new(ConferenceRunners, (c, s) => new ConferenceService.ConferenceServiceClient(c).PrepareConferenceAsync(new() { Name = s.Conference, RequestId = Rid() }).ResponseAsync),
        ["ConferenceService/RecordAttendance"] = new(ConferenceRunners, (c, s) => new ConferenceService.ConferenceServiceClient(c).RecordAttendanceAsync(new()
        {
            Name = s.Conference, RequestId = Rid(), Attendance = { new Attendee { DisplayName = "Trần Văn Bình", Present = true } },
        }).ResponseAsync),
        ["ConferenceService/RecordCaseDiscussion"] = new(ConferenceRunners, (c, s) => new ConferenceService.ConferenceServiceClient(c).RecordCaseDiscussionAsync(new()
        {
            Name = s.Conference, Case = s.Case, RequestId = Rid(), CentreProposal = "Đề xuất",
            Decisions = { new Decision { Text = "Xác minh", Assignee = Police, DueTime = Later } },
        }).ResponseAsync),

        // A ward office's inbox: its own people, and coordinators looking in to help (read only).
        ["InboxService/ListInboxEvents"] = new(["coordinator", "vice-chair/own", "officer/own"], (c, _) =>
            new InboxService.InboxServiceClient(c).ListInboxEventsAsync(new() { Inbox = Ward + "/inbox" }).ResponseAsync),
        ["InboxService/WatchInboxEvents"] = new(["coordinator", "vice-chair/own", "officer/own"], async (c, _) =>
        {
            using var watch = new InboxService.InboxServiceClient(c).WatchInboxEvents(new() { Inbox = Ward + "/inbox" }, deadline: DateTime.UtcNow.AddMilliseconds(500));
            while (await watch.ResponseStream.MoveNext())
            {
            }
        }),
        ["InboxService/AckInboxEvents"] = new(["vice-chair/own", "officer/own"], (c, _) =>
            new InboxService.InboxServiceClient(c).AckInboxEventsAsync(new() { Inbox = Ward + "/inbox", UpToSequence = 1 }).ResponseAsync),

        // Accounts: SignIn needs no token (here the auditor's demo password); a person reads and
        // changes their own account, coordinators administer, auditors read.
        ["AccountService/SignIn"] = new(Everyone, (c, s) => new AccountService.AccountServiceClient(c).SignInAsync(new() { Username = "auditor", Password = s.Password }).ResponseAsync),
        ["AccountService/SignOut"] = new(Everyone, (c, _) => new AccountService.AccountServiceClient(c).SignOutAsync(new()).ResponseAsync),
        ["AccountService/GetAccount"] = new(["coordinator", "auditor", "officer/own"], (c, _) =>
            new AccountService.AccountServiceClient(c).GetAccountAsync(new() { Name = "users/hai-chau-1-officer" }).ResponseAsync),
        ["AccountService/ListAccounts"] = new(["coordinator", "auditor"], (c, _) => new AccountService.AccountServiceClient(c).ListAccountsAsync(new()).ResponseAsync),
        ["AccountService/CreateAccount"] = new(["coordinator"], (c, _) => new AccountService.AccountServiceClient(c).CreateAccountAsync(new()
        {
            RequestId = Rid(),
            Account = new Account { Username = "m-" + Guid.NewGuid().ToString("N")[..10], DisplayName = "Người thử", Role = StaffRole.WardOfficer, Scope = Ward },
        }).ResponseAsync),
        ["AccountService/UpdateAccount"] = new(["coordinator", "officer/own"], (c, _) => new AccountService.AccountServiceClient(c).UpdateAccountAsync(new()
        {
            Account = new Account { Name = "users/hai-chau-1-officer", LanguageCode = "vi" }, UpdateMask = FieldMask.FromString("language_code"), RequestId = Rid(),
        }).ResponseAsync),
        ["AccountService/ResetPassword"] = new(["coordinator"], (c, _) => new AccountService.AccountServiceClient(c).ResetPasswordAsync(new()
        {
            Name = "users/man-thai-officer", RequestId = Rid(),
        }).ResponseAsync),
        ["AccountService/ChangePassword"] = new(["officer/own"], (c, _) => new AccountService.AccountServiceClient(c).ChangePasswordAsync(new()
        {
            Name = "users/hai-chau-1-officer", CurrentPassword = "not-the-password", NewPassword = "một mật khẩu mới đủ dài", RequestId = Rid(),
        }).ResponseAsync),

        // Anyone may exchange an agency's client secret (the call needs no token); coordinators manage secrets and revocation.
        ["TokenService/CreateToken"] = new(Everyone, (c, s) => new TokenService.TokenServiceClient(c).CreateTokenAsync(new()
        {
            ClientId = Police, ClientSecret = s.ClientSecret,
        }).ResponseAsync),
        ["TokenService/RotateClientSecret"] = new(["coordinator"], (c, _) => new TokenService.TokenServiceClient(c).RotateClientSecretAsync(new()
        {
            Agency = "agencies/xuan-ha-police", RequestId = Rid(),
        }).ResponseAsync),
        ["TokenService/RevokeToken"] = new(["coordinator"], (c, _) => new TokenService.TokenServiceClient(c).RevokeTokenAsync(new()
        {
            TokenId = Guid.NewGuid().ToString("N"), Reason = "Ma trận", RequestId = Rid(),
        }).ResponseAsync),

        ["CalendarService/AddWorkingDays"] = new(Everyone, (c, _) => new CalendarService.CalendarServiceClient(c).AddWorkingDaysAsync(new() { WorkingDays = 5 }).ResponseAsync),
        ["CalendarService/ListDaysOff"] = new(Everyone, (c, _) => new CalendarService.CalendarServiceClient(c).ListDaysOffAsync(new() { Year = DateTime.UtcNow.Year }).ResponseAsync),

        ["WardService/GetWard"] = new(Everyone, (c, _) => new WardService.WardServiceClient(c).GetWardAsync(new() { Name = Ward }).ResponseAsync),
        ["WardService/ListWards"] = new(Everyone, (c, _) => new WardService.WardServiceClient(c).ListWardsAsync(new()).ResponseAsync),
        ["WardService/GetWardSummary"] = new(CaseReaders, (c, _) => new WardService.WardServiceClient(c).GetWardSummaryAsync(new() { Name = Ward }).ResponseAsync),
        ["WardService/AssignTask"] = new(Assigner, (c, s) => new WardService.WardServiceClient(c).AssignTaskAsync(new()
        {
            Ward = Ward, Case = s.Case, Assignee = Police, Title = "t", Instructions = "i", DueTime = Later, RequestId = Rid(),
        }).ResponseAsync),
    };

    [Fact]
    public void Every_rpc_of_every_service_has_a_row()
    {
        var rpcs = new[]
            {
                DirectoryService.Descriptor, CaseService.Descriptor, TaskService.Descriptor, WardService.Descriptor, AuditService.Descriptor,
                PartnerService.Descriptor, InboxService.Descriptor, ConferenceService.Descriptor, AccountService.Descriptor, CalendarService.Descriptor, ReportService.Descriptor,
                CounsellingService.Descriptor, TokenService.Descriptor,
            }
            .SelectMany(s => s.Methods.Select(m => $"{s.Name}/{m.Name}"))
            .Order()
            .ToList();

        Assert.Equal(rpcs, Rows.Keys.Order().ToList());
    }

    [Fact]
    public async Task Every_rpc_allows_exactly_the_roles_and_jurisdictions_it_should()
    {
        var host = fixture.Host;
        var state = new State { Agency = Police, Password = Credentials.Load(host.DataDirectory).Password("auditor") };
        state.ClientSecret = (await new TokenService.TokenServiceClient(host.As(Actors["coordinator"])).RotateClientSecretAsync(new()
        {
            Agency = Police, RequestId = Rid(),
        })).ClientSecret;
        var viceChair = host.As(Actors["vice-chair/own"]);
        state.Case = (await new CaseService.CaseServiceClient(host.As(Actors["officer/own"])).CreateCaseAsync(new() { Case = NewCase(), RequestId = Rid() })).Name;
        var session = await new CounsellingService.CounsellingServiceClient(host.As(Actors["officer/own"])).RecordCounsellingSessionAsync(new()
        {
            RequestId = Rid(), CounsellingSession = new CounsellingSession { Channel = CounsellingChannel.InPerson, Topics = { CounsellingTopic.Legal }, DurationMinutes = 15 },
        });
        (state.Session, state.SessionEtag) = (session.Name, session.Etag);
        state.Conference = (await new ConferenceService.ConferenceServiceClient(host.As(Actors["coordinator"])).CreateConferenceAsync(new()
        {
            Parent = "clusters/hai-chau", RequestId = Rid(), Conference = new Conference { StartTime = Later, Title = "Hội thảo ca ma trận" },
        })).Name;
        var mismatches = new List<string>();
        var rows = 0;
        foreach (var (rpc, row) in Rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            // A fresh task per RPC, assigned by the ward's vice-chair to its police.
            state.Task = (await new WardService.WardServiceClient(viceChair).AssignTaskAsync(new()
            {
                Ward = Ward, Case = state.Case, Assignee = Police, Title = "Ma trận " + rpc, Instructions = "i", DueTime = Later, RequestId = Rid(),
            })).Name;
            // The eleven callers of one RPC at once (authorization does not depend on the order; a
            // call that loses a race is refused for the state, never PERMISSION_DENIED).
            var answers = await Task.WhenAll(Actors.Select(async a =>
            {
                try
                {
                    await row.Call(host.As(a.Value), state);
                    return (a.Key, Code: (StatusCode?)null);
                }
                catch (RpcException e)
                {
                    return (a.Key, Code: (StatusCode?)e.StatusCode);
                }
            }));
            foreach (var (key, code) in answers)
            {
                rows++;
                var allowed = row.Allowed.Contains(key);
                var denied = code == StatusCode.PermissionDenied;
                if (allowed == denied || code is StatusCode.Unauthenticated or StatusCode.Internal or StatusCode.Unknown)
                {
                    mismatches.Add($"{rpc} as {key}: expected {(allowed ? "allowed" : "PERMISSION_DENIED")}, got {code?.ToString() ?? "OK"}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {rows} rows differ:\n" + string.Join("\n", mismatches));
        Assert.Equal(Rows.Count * Actors.Count, rows);
    }
}
