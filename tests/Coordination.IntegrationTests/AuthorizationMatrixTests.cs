using System.Text.RegularExpressions;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Coordination.V1.TaskStatus;

namespace Coordination.IntegrationTests;

/// <summary>
/// Every RPC × every caller against the real host: the roles in their own and in other
/// jurisdictions, a ward person of another ward of the same cluster, an agency a case was shared
/// with, and callers without a platform credential (no token; a token with a role the platform does
/// not know). The RPCs are those of the contract assembly, cross-checked with the running host's
/// reflection, so a new one without a row fails. An allowed call must succeed (OK): each gets the
/// state it needs (a task in the right status, a case at the right step) unless its row says why
/// not. Content rows: an unfiltered list or watch of a ward or agency shows nothing of another
/// ward's data. Audit completeness: every call that returned cases or tasks left a record of each.
/// </summary>
[Collection(Lanes.Work)]
public sealed partial class AuthorizationMatrixTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private const string Ward = "wards/hai-chau-1";
    private const string OtherWard = "wards/thach-thang";
    private const string Cluster = "clusters/hai-chau";
    private const string Police = "agencies/hai-chau-1-police";
    private const string SharedAgency = "agencies/danang-hospital";

    private static readonly Dictionary<string, Actor> Actors = new()
    {
        ["coordinator"] = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city"),
        ["case-worker"] = new("users/case-worker", "Phan Văn Đức", Actor.CaseWorker, "city"),
        ["auditor"] = new("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city"),
        ["vice-chair/own"] = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, Ward),
        ["vice-chair/other"] = new("users/xuan-ha-vice-chair", "Đỗ Minh Tuấn", Actor.WardViceChair, "wards/xuan-ha"),
        // Another ward of the same cluster: it shares the cluster's conferences, nothing else.
        ["vice-chair/cluster"] = new("users/thach-thang-vice-chair", "Lê Quang Vinh", Actor.WardViceChair, OtherWard),
        ["officer/own"] = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, Ward),
        ["officer/other"] = new("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha"),
        ["officer/cluster"] = new("users/thach-thang-officer", "Phạm Thị Ngọc Ánh", Actor.WardOfficer, OtherWard),
        ["agency/own"] = new(Police, "Công an phường Hải Châu I", Actor.AgencySystem, Police),
        ["agency/other"] = new("agencies/xuan-ha-police", "Công an phường Xuân Hà", Actor.AgencySystem, "agencies/xuan-ha-police"),
        // The city hospital: the matrix case is shared with it (with the family's consent), no task.
        ["agency/shared"] = new(SharedAgency, "Bệnh viện Đà Nẵng", Actor.AgencySystem, SharedAgency),
        ["liaison/own"] = new("users/police-liaison", "Cán bộ liên lạc", Actor.AgencyLiaison, Police),
        ["liaison/other"] = new("users/xuan-ha-liaison", "Cán bộ liên lạc", Actor.AgencyLiaison, "agencies/xuan-ha-police"),
    };

    /// <summary>Callers with no platform credential: refused at authentication (UNAUTHENTICATED) everywhere but SignIn.</summary>
    private static readonly string[] Unauthenticated = ["anonymous", "unknown-role"];

    private static readonly string[] Columns = [.. Actors.Keys, .. Unauthenticated];
    private static readonly string[] Everyone = [.. Actors.Keys];
    // Methods that need no token (they check a password or a client secret in the request).
    private static readonly string[] OpenToAnyone = ["AccountService/SignIn", "TokenService/CreateToken"];
    private static readonly string[] CityReaders = ["coordinator", "case-worker", "auditor"];
    private static readonly string[] CaseReaders = [.. CityReaders, "vice-chair/own", "officer/own"];
    private static readonly string[] CaseWriters = ["coordinator", "case-worker", "vice-chair/own", "officer/own"];
    private static readonly string[] Assignee = ["agency/own", "liaison/own"];
    private static readonly string[] Assigner = ["vice-chair/own"];
    // Conferences of Hải Châu I's cluster: the city, the people of the cluster's wards and its departments read; coordinators run them.
    private static readonly string[] ConferenceReaders = [.. CaseReaders, .. Assignee, "vice-chair/cluster", "officer/cluster"];
    private static readonly string[] ConferenceRunners = ["coordinator"];

    /// <summary>
    /// One RPC: who may call it, and how (returning every message it answered). <see cref="Fresh"/>
    /// gives each allowed caller a state of its own when the call changes what it acts on, so that
    /// every allowed call can succeed; <see cref="Instead"/> names the status an allowed call gets
    /// when OK cannot be set up, and why.
    /// </summary>
    private sealed record Row(string[] Allowed, Func<CallInvoker, State, Task<IMessage[]>> Call)
    {
        public Func<Scene, Task<State>>? Fresh { get; init; }

        public (StatusCode Code, string Why)? Instead { get; init; }
    }

    /// <summary>Resources the calls act on: a case of Hải Châu I (shared with the hospital, with consent) and a task for its police.</summary>
    private sealed record State
    {
        public string Case { get; init; } = "";
        public string Task { get; init; } = "";
        public string Agency { get; init; } = "";
        public string Conference { get; init; } = "";
        public string Username { get; init; } = "";
        public string Password { get; init; } = "";
        public string OfficerPassword { get; init; } = "";
        public string Session { get; init; } = "";
        public string SessionEtag { get; init; } = "";
        public string ClientSecret { get; init; } = "";
    }

    /// <summary>Steps a fresh case is brought to.</summary>
    private enum Stage { Received, Planning, Proposed, Approved, Intervention, Closed }

    private static string Rid() => Guid.NewGuid().ToString();

    private static Timestamp Later => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3));

    private static Case NewCase(string ward = Ward) => new()
    {
        Ward = ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
        Person = new Person { DisplayName = "Trẻ ma trận", Sex = Sex.Female, ApproximateAgeYears = 7 },
    };

    private static async Task<IMessage[]> U<T>(AsyncUnaryCall<T> call) where T : IMessage
    {
        using (call)
        {
            return [await call.ResponseAsync];
        }
    }

    /// <summary>A stream read to its end (exports).</summary>
    private static async Task<IMessage[]> All<T>(AsyncServerStreamingCall<T> call) where T : IMessage
    {
        using (call)
        {
            var messages = new List<IMessage>();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                messages.Add(call.ResponseStream.Current);
            }
            return [.. messages];
        }
    }

    /// <summary>
    /// A watch: what it replays, read until it has been quiet for half a second, then cancelled by
    /// the client as a partner does. A watch that delivers nothing within 10 s failed.
    /// </summary>
    private static async Task<IMessage[]> Watch<T>(Func<CancellationToken, AsyncServerStreamingCall<T>> start) where T : IMessage
    {
        using var cancel = new CancellationTokenSource();
        using var call = start(cancel.Token);
        var messages = new List<IMessage>();
        while (true)
        {
            var next = call.ResponseStream.MoveNext(CancellationToken.None);
            var quiet = Task.Delay(messages.Count == 0 ? TimeSpan.FromSeconds(10) : TimeSpan.FromMilliseconds(500));
            if (await Task.WhenAny(next, quiet) == quiet)
            {
                await cancel.CancelAsync();
                try
                {
                    await next;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
                {
                }
                return messages.Count > 0 ? [.. messages] : throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the watch delivered nothing in 10 s"));
            }
            if (!await next)
            {
                return [.. messages];
            }
            messages.Add(call.ResponseStream.Current);
        }
    }

    /// <summary>Calls as <paramref name="column"/>: a matrix actor, no token at all, or a token whose role the platform does not know.</summary>
    private CallInvoker Invoker(string column) => column switch
    {
        "anonymous" => fixture.Host.Channel.CreateCallInvoker(),
        "unknown-role" => fixture.Host.As(new Actor("users/hai-chau-1-officer", "Nguyễn Thị Lan", "WARD_JANITOR", Ward)),
        _ => fixture.Host.As(Actors[column]),
    };

    /// <summary>Builds the states the rows act on, as the ward's own people, its police and the coordinator would.</summary>
    private sealed class Scene(PlatformHost host, Credentials credentials)
    {
        private readonly Queue<string> _usernames = new(credentials.Usernames.Where(u => u != "hai-chau-1-officer").Order(StringComparer.Ordinal));

        public State Shared { get; private set; } = new();

        private CaseService.CaseServiceClient Cases => new(host.As(Actors["officer/own"]));

        private TaskService.TaskServiceClient Tasks => new(host.As(Actors["agency/own"]));

        /// <summary>The shared state: a case with consent for police, health and the Social Work Centre, shared with the hospital; a task for the police; a counselling session; a conference.</summary>
        public async Task<State> BuildAsync()
        {
            var name = (await Cases.CreateCaseAsync(new() { Case = NewCase(), RequestId = Rid() })).Name;
            await RecordConsentAsync(name);
            await Cases.SetCaseSharingAsync(new() { Name = name, Agency = SharedAgency, Shared = true, RequestId = Rid() });
            var session = await new CounsellingService.CounsellingServiceClient(host.As(Actors["officer/own"])).RecordCounsellingSessionAsync(new()
            {
                RequestId = Rid(), CounsellingSession = new CounsellingSession { Channel = CounsellingChannel.InPerson, Topics = { CounsellingTopic.Legal }, DurationMinutes = 15 },
            });
            Shared = new State
            {
                Case = name, Agency = Police, Session = session.Name, SessionEtag = session.Etag,
                OfficerPassword = credentials.Password("hai-chau-1-officer"),
                Conference = (await NewConference()).Conference,
                // The police system's client secret, for the token exchange (the coordinator issues a new one).
                ClientSecret = (await new TokenService.TokenServiceClient(host.As(Actors["coordinator"])).RotateClientSecretAsync(new()
                {
                    Agency = Police, RequestId = Rid(),
                })).ClientSecret,
            };
            // The police accepts the task: its ward office's inbox gets a notice, the police feed has its events.
            var task = await TaskAt(TaskStatus.Accepted);
            Shared = Shared with { Task = task.Task };
            return Shared;
        }

        private Task<Consent> RecordConsentAsync(string caseName) => Cases.RecordConsentAsync(new()
        {
            Parent = caseName, RequestId = Rid(),
            Consent = new Consent
            {
                GivenByKind = ConsentGiverKind.Parent, GivenByName = "Trần Thị B", Relationship = "Mẹ",
                AgencyKinds = { AgencyKind.Police, AgencyKind.Health, AgencyKind.SocialWorkCentre },
                DataScopes = { ConsentDataScope.FullRecord, ConsentDataScope.HealthInformation }, Purpose = "Phối hợp bảo vệ trẻ",
            },
        }).ResponseAsync;

        /// <summary>A new case of Hải Châu I brought to <paramref name="stage"/>.</summary>
        public async Task<State> CaseAt(Stage stage, bool consent = false)
        {
            var name = (await Cases.CreateCaseAsync(new() { Case = NewCase(), RequestId = Rid() })).Name;
            if (consent)
            {
                await RecordConsentAsync(name);
            }
            if (stage is Stage.Closed)
            {
                await Cases.CloseCaseAsync(new() { Name = name, Reason = "r", Outcome = "o", RequestId = Rid() });
            }
            if (stage is >= Stage.Planning and not Stage.Closed)
            {
                await Cases.RecordInitialAssessmentAsync(new() { Name = name, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.Medium, Findings = "x" } });
            }
            if (stage is >= Stage.Proposed and not Stage.Closed)
            {
                await Cases.ProposePlanAsync(new()
                {
                    Name = name, RequestId = Rid(), Plan = new SupportPlan { Goal = "g", Items = { new PlanItem { Action = "a", Responsible = Police } } },
                });
            }
            if (stage is >= Stage.Approved and not Stage.Closed)
            {
                await new CaseService.CaseServiceClient(host.As(Actors["vice-chair/own"])).ApprovePlanAsync(new() { Name = name, RequestId = Rid() });
            }
            if (stage is Stage.Intervention)
            {
                await Cases.StartInterventionAsync(new() { Name = name, RequestId = Rid() });
            }
            return Shared with { Case = name };
        }

        /// <summary>A new task on the shared case for the ward's police, brought to <paramref name="status"/>.</summary>
        public async Task<State> TaskAt(TaskStatus status)
        {
            var task = (await new WardService.WardServiceClient(host.As(Actors["vice-chair/own"])).AssignTaskAsync(new()
            {
                Ward = Ward, Case = Shared.Case, Assignee = Police, Title = "Ma trận", Instructions = "i", DueTime = Later, RequestId = Rid(),
            })).Name;
            if (status is TaskStatus.Accepted or TaskStatus.InProgress or TaskStatus.Completed)
            {
                await Tasks.AcceptTaskAsync(new() { Name = task, RequestId = Rid() });
            }
            if (status is TaskStatus.InProgress or TaskStatus.Completed)
            {
                await Tasks.StartTaskAsync(new() { Name = task, RequestId = Rid() });
            }
            if (status is TaskStatus.Completed)
            {
                await Tasks.CompleteTaskAsync(new() { Name = task, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "a", Result = "r" } });
            }
            return Shared with { Task = task };
        }

        public async Task<State> NewSession()
        {
            var session = await new CounsellingService.CounsellingServiceClient(host.As(Actors["officer/own"])).RecordCounsellingSessionAsync(new()
            {
                RequestId = Rid(), CounsellingSession = new CounsellingSession { Channel = CounsellingChannel.Phone, Topics = { CounsellingTopic.Legal }, DurationMinutes = 5 },
            });
            return Shared with { Session = session.Name, SessionEtag = session.Etag };
        }

        public async Task<State> NewConference() => Shared with
        {
            Conference = (await new ConferenceService.ConferenceServiceClient(host.As(Actors["coordinator"])).CreateConferenceAsync(new()
            {
                Parent = Cluster, RequestId = Rid(), Conference = new Conference { StartTime = Later, Title = "Hội thảo ca ma trận" },
            })).Name,
        };

        /// <summary>A demo person no other caller signs in as (sign-ins are limited per username).</summary>
        public Task<State> NextSignIn()
        {
            lock (_usernames)
            {
                var username = _usernames.Dequeue();
                return Task.FromResult(Shared with { Username = username, Password = credentials.Password(username) });
            }
        }
    }

    private static readonly Dictionary<string, Row> Rows = new()
    {
        ["DirectoryService/GetWard"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).GetWardAsync(new() { Name = Ward }))),
        ["DirectoryService/ListWards"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).ListWardsAsync(new()))),
        ["DirectoryService/GetCluster"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).GetClusterAsync(new() { Name = "clusters/hai-chau" }))),
        ["DirectoryService/ListClusters"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).ListClustersAsync(new()))),
        ["DirectoryService/GetAgency"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).GetAgencyAsync(new() { Name = Police }))),
        ["DirectoryService/ListAgencies"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).ListAgenciesAsync(new()))),
        ["DirectoryService/CreateAgency"] = new(["coordinator"], (c, _) => U(new DirectoryService.DirectoryServiceClient(c).CreateAgencyAsync(new()
        {
            AgencyId = "m-" + Guid.NewGuid().ToString("N")[..10], RequestId = Rid(), Agency = new Agency { DisplayName = "Nhóm thử", Kind = AgencyKind.Other },
        }))),
        ["DirectoryService/UpdateAgency"] = new(["coordinator"], (c, s) => U(new DirectoryService.DirectoryServiceClient(c).UpdateAgencyAsync(new()
        {
            Agency = new Agency { Name = s.Agency, Address = "Đà Nẵng" }, UpdateMask = FieldMask.FromString("address"), RequestId = Rid(),
        }))),

        ["DirectoryService/ImportDirectory"] = new(["coordinator"], (c, _) => U(new DirectoryService.DirectoryServiceClient(c).ImportDirectoryAsync(new()
        {
            ValidateOnly = true,
            Rows = { new DirectoryImportRow { Line = 2, Type = DirectoryRowType.Cluster, Id = "hai-chau", DisplayName = "Cụm Hải Châu" } },
        }))),
        // The service catalogue: everyone reads it; coordinators add services; the agency itself keeps its capacity current.
        ["DirectoryService/GetAgencyService"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).GetAgencyServiceAsync(new()
        {
            Name = Police + "/services/xac-minh-xu-ly",
        }))),
        ["DirectoryService/ListAgencyServices"] = new(Everyone, (c, _) => U(new DirectoryService.DirectoryServiceClient(c).ListAgencyServicesAsync(new()
        {
            Parent = Police,
        }))),
        ["DirectoryService/CreateAgencyService"] = new(["coordinator"], (c, _) => U(new DirectoryService.DirectoryServiceClient(c).CreateAgencyServiceAsync(new()
        {
            Parent = Police, ServiceId = "m-" + Guid.NewGuid().ToString("N")[..10], RequestId = Rid(),
            Service = new AgencyService
            {
                DisplayName = "Dịch vụ thử", Kind = ServiceKind.Other,
                ResponseTime = new ResponseTime { Value = 2, Unit = ResponseTimeUnit.WorkingDays },
            },
        }))),
        ["DirectoryService/UpdateAgencyService"] = new(["coordinator", "agency/own", "liaison/own"], (c, _) => U(new DirectoryService.DirectoryServiceClient(c).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = Police + "/services/xac-minh-xu-ly", Capacity = ServiceCapacity.Open },
            UpdateMask = FieldMask.FromString("capacity"), RequestId = Rid(),
        }))),

        // Statistics: the city's readers any scope, a ward's people their ward (an agency only its own tasks, scope agencies/{agency}).
        ["ReportService/GetReport"] = new(CaseReaders, (c, _) => U(new ReportService.ReportServiceClient(c).GetReportAsync(new()
        {
            Scope = Ward, Period = new ReportPeriod { Year = DateTime.UtcNow.Year },
        }))),
        ["ReportService/ExportReport"] = new(CaseReaders, (c, _) => All(new ReportService.ReportServiceClient(c).ExportReport(new()
        {
            Scope = Ward, Period = new ReportPeriod { Year = DateTime.UtcNow.Year }, Format = ExportFormat.Csv,
        }))),
        // Case exports: coordinators and the ward's own people; never agencies, case workers or auditors.
        ["ReportService/ExportCases"] = new(["coordinator", "vice-chair/own", "officer/own"], (c, _) =>
            All(new ReportService.ReportServiceClient(c).ExportCases(new() { Scope = Ward, Format = ExportFormat.Csv, IncludeClosed = true }))),

        ["CaseService/CreateCase"] = new(CaseWriters, (c, _) => U(new CaseService.CaseServiceClient(c).CreateCaseAsync(new() { Case = NewCase(), RequestId = Rid() }))),
        ["CaseService/GetCase"] = new([.. CaseReaders, "agency/shared"], (c, s) => U(new CaseService.CaseServiceClient(c).GetCaseAsync(new() { Name = s.Case }))),
        ["CaseService/ListCases"] = new(CaseReaders, (c, _) => U(new CaseService.CaseServiceClient(c).ListCasesAsync(new() { Ward = Ward }))),
        ["CaseService/ListCaseTimeline"] = new([.. CaseReaders, "agency/shared"], (c, s) => U(new CaseService.CaseServiceClient(c).ListCaseTimelineAsync(new() { Name = s.Case }))),
        ["CaseService/UpdateCase"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).UpdateCaseAsync(new()
        {
            Case = new Case { Name = s.Case, Account = "Bổ sung" }, UpdateMask = FieldMask.FromString("account"), RequestId = Rid(),
        }))),
        ["CaseService/RecordInitialAssessment"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).RecordInitialAssessmentAsync(new()
        {
            Name = s.Case, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.Medium, Findings = "x" },
        }))) { Fresh = s => s.CaseAt(Stage.Received) },
        ["CaseService/RecordDetailedAssessment"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).RecordDetailedAssessmentAsync(new()
        {
            Name = s.Case, RequestId = Rid(), Assessment = new Assessment { Findings = "x" },
        }))) { Fresh = s => s.CaseAt(Stage.Planning) },
        ["CaseService/ProposePlan"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).ProposePlanAsync(new()
        {
            Name = s.Case, RequestId = Rid(), Plan = new SupportPlan { Goal = "g", Items = { new PlanItem { Action = "a", Responsible = Police } } },
        }))) { Fresh = s => s.CaseAt(Stage.Planning) },
        ["CaseService/ApprovePlan"] = new(["vice-chair/own"], (c, s) => U(new CaseService.CaseServiceClient(c).ApprovePlanAsync(new() { Name = s.Case, RequestId = Rid() }))) { Fresh = s => s.CaseAt(Stage.Proposed) },
        ["CaseService/ReturnPlan"] = new(["vice-chair/own"], (c, s) => U(new CaseService.CaseServiceClient(c).ReturnPlanAsync(new() { Name = s.Case, Reason = "r", RequestId = Rid() }))) { Fresh = s => s.CaseAt(Stage.Proposed) },
        ["CaseService/StartIntervention"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).StartInterventionAsync(new() { Name = s.Case, RequestId = Rid() }))) { Fresh = s => s.CaseAt(Stage.Approved) },
        ["CaseService/RecordReview"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).RecordReviewAsync(new()
        {
            Name = s.Case, Summary = "s", Decision = ReviewDecision.Continue, RequestId = Rid(),
        }))) { Fresh = s => s.CaseAt(Stage.Intervention) },
        ["CaseService/AddCaseNote"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).AddCaseNoteAsync(new() { Name = s.Case, Text = "n", RequestId = Rid() }))),
        ["CaseService/SetConferenceFlag"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).SetConferenceFlagAsync(new()
        {
            Name = s.Case, Flagged = true, Reason = "r", RequestId = Rid(),
        }))),
        ["CaseService/CloseCase"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).CloseCaseAsync(new()
        {
            Name = s.Case, Reason = "r", Outcome = "o", RequestId = Rid(),
        }))) { Fresh = s => s.CaseAt(Stage.Received) },
        ["CaseService/FindPossibleDuplicates"] = new(CaseWriters, (c, _) => U(new CaseService.CaseServiceClient(c).FindPossibleDuplicatesAsync(new()
        {
            PersonDisplayName = "Trẻ ma trận", ApproximateAgeYears = 7, Ward = Ward, Phone = "0905 000 111",
        }))),
        // Counselling: the Centre's staff anywhere, the ward's own people; auditors read; agencies never.
        ["CounsellingService/RecordCounsellingSession"] = new(CaseWriters, (c, _) => U(new CounsellingService.CounsellingServiceClient(c).RecordCounsellingSessionAsync(new()
        {
            RequestId = Rid(),
            CounsellingSession = new CounsellingSession { Ward = Ward, Channel = CounsellingChannel.Phone, Topics = { CounsellingTopic.ChildCare }, DurationMinutes = 10 },
        }))),
        ["CounsellingService/GetCounsellingSession"] = new(CaseReaders, (c, s) => U(new CounsellingService.CounsellingServiceClient(c).GetCounsellingSessionAsync(new() { Name = s.Session }))),
        ["CounsellingService/ListCounsellingSessions"] = new(CaseReaders, (c, _) => U(new CounsellingService.CounsellingServiceClient(c).ListCounsellingSessionsAsync(new() { Ward = Ward }))),
        ["CounsellingService/LinkCounsellingSession"] = new(CaseWriters, (c, s) => U(new CounsellingService.CounsellingServiceClient(c).LinkCounsellingSessionAsync(new()
        {
            Name = s.Session, Case = s.Case, Etag = s.SessionEtag, RequestId = Rid(),
        }))) { Fresh = s => s.NewSession() },
        ["CaseService/SetCaseSharing"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).SetCaseSharingAsync(new()
        {
            Name = s.Case, Agency = "agencies/danang-swc", Shared = true, RequestId = Rid(),
        }))),
        ["CaseService/RecordConsent"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).RecordConsentAsync(new()
        {
            Parent = s.Case, RequestId = Rid(),
            Consent = new Consent
            {
                GivenByKind = ConsentGiverKind.Parent, GivenByName = "Trần Thị B", Relationship = "Mẹ", AgencyKinds = { AgencyKind.Police },
                DataScopes = { ConsentDataScope.CaseSummary }, Purpose = "Chuyển tuyến",
            },
        }))),
        ["CaseService/WithdrawConsent"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).WithdrawConsentAsync(new()
        {
            Name = s.Case + "/consents/1", Reason = "r", RequestId = Rid(),
        }))) { Fresh = s => s.CaseAt(Stage.Received, consent: true) },
        ["CaseService/ReopenCase"] = new(CaseWriters, (c, s) => U(new CaseService.CaseServiceClient(c).ReopenCaseAsync(new() { Name = s.Case, Reason = "r", RequestId = Rid() }))) { Fresh = s => s.CaseAt(Stage.Closed) },

        ["TaskService/CreateReferral"] = new(CaseWriters, (c, s) => U(new TaskService.TaskServiceClient(c).CreateReferralAsync(new()
        {
            Case = s.Case, Assignee = "agencies/danang-swc", DueTime = Later, RequestId = Rid(),
            Dossier = new ReferralDossier { Reason = "r", RequestedService = "Trị liệu tâm lý", ConsentGiven = true },
        }))),
        ["TaskService/GetTask"] = new([.. CaseReaders, .. Assignee], (c, s) => U(new TaskService.TaskServiceClient(c).GetTaskAsync(new() { Name = s.Task }))),
        ["TaskService/ListTasks"] = new([.. CaseReaders, .. Assignee], (c, _) => U(new TaskService.TaskServiceClient(c).ListTasksAsync(new() { Ward = Ward, Assignee = Police }))),
        ["TaskService/ReceiveTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).ReceiveTaskAsync(new() { Name = s.Task, RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Requested) },
        ["TaskService/AcceptTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).AcceptTaskAsync(new() { Name = s.Task, RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Requested) },
        ["TaskService/RejectTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).RejectTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Requested) },
        ["TaskService/StartTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).StartTaskAsync(new() { Name = s.Task, RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Accepted) },
        ["TaskService/HoldTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).HoldTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.InProgress) },
        ["TaskService/ReportProgress"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).ReportProgressAsync(new() { Name = s.Task, Note = "n", RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Accepted) },
        ["TaskService/CompleteTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).CompleteTaskAsync(new()
        {
            Name = s.Task, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "a", Result = "r" },
        }))) { Fresh = s => s.TaskAt(TaskStatus.InProgress) },
        ["TaskService/FailTask"] = new(Assignee, (c, s) => U(new TaskService.TaskServiceClient(c).FailTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Accepted) },
        ["TaskService/CancelTask"] = new(Assigner, (c, s) => U(new TaskService.TaskServiceClient(c).CancelTaskAsync(new() { Name = s.Task, Reason = "r", RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Requested) },
        ["TaskService/ReassignTask"] = new(Assigner, (c, s) => U(new TaskService.TaskServiceClient(c).ReassignTaskAsync(new()
        {
            Name = s.Task, Assignee = "agencies/danang-hospital", Reason = "r", DueTime = Later, RequestId = Rid(),
        }))) { Fresh = s => s.TaskAt(TaskStatus.Requested) },
        ["TaskService/ReviewOutcome"] = new(Assigner, (c, s) => U(new TaskService.TaskServiceClient(c).ReviewOutcomeAsync(new() { Name = s.Task, RequestId = Rid() }))) { Fresh = s => s.TaskAt(TaskStatus.Completed) },
        ["TaskService/AddTaskComment"] = new([.. Assignee, .. Assigner], (c, s) => U(new TaskService.TaskServiceClient(c).AddTaskCommentAsync(new() { Name = s.Task, Text = "c", RequestId = Rid() }))),

        ["AuditService/ListAuditEvents"] = new(["coordinator", "auditor"], (c, s) => U(new AuditService.AuditServiceClient(c).ListAuditEventsAsync(new() { Case = s.Case }))),

        ["PartnerService/ListEvents"] = new(["coordinator", .. Assignee], (c, _) => U(new PartnerService.PartnerServiceClient(c).ListEventsAsync(new() { Agency = Police }))),
        ["PartnerService/WatchEvents"] = new(["coordinator", .. Assignee], (c, _) =>
            Watch(ct => new PartnerService.PartnerServiceClient(c).WatchEvents(new() { Agency = Police }, cancellationToken: ct))),
        ["PartnerService/AckEvents"] = new(Assignee, (c, _) => U(new PartnerService.PartnerServiceClient(c).AckEventsAsync(new() { Agency = Police, UpToSequence = 1 }))),

        ["ConferenceService/GetConference"] = new(ConferenceReaders, (c, s) => U(new ConferenceService.ConferenceServiceClient(c).GetConferenceAsync(new() { Name = s.Conference }))),
        ["ConferenceService/ListConferences"] = new(ConferenceReaders, (c, _) => U(new ConferenceService.ConferenceServiceClient(c).ListConferencesAsync(new() { Parent = "clusters/hai-chau" }))),
        ["ConferenceService/GetConferenceMinutes"] = new(ConferenceReaders, (c, s) => U(new ConferenceService.ConferenceServiceClient(c).GetConferenceMinutesAsync(new() { Name = s.Conference }))),
        ["ConferenceService/CreateConference"] = new(ConferenceRunners, (c, _) => U(new ConferenceService.ConferenceServiceClient(c).CreateConferenceAsync(new()
        {
            Parent = "clusters/hai-chau", RequestId = Rid(), Conference = new Conference { StartTime = Later, Title = "Hội thảo ca bất thường" },
        }))),
        ["ConferenceService/RescheduleConference"] = new(ConferenceRunners, (c, s) => U(new ConferenceService.ConferenceServiceClient(c).RescheduleConferenceAsync(new()
        {
            Name = s.Conference, StartTime = Later, Reason = "Trùng lịch", RequestId = Rid(),
        }))) { Fresh = s => s.NewConference() },
        ["ConferenceService/PrepareConference"] = new(ConferenceRunners, (c, s) => U(new ConferenceService.ConferenceServiceClient(c).PrepareConferenceAsync(new() { Name = s.Conference, RequestId = Rid() }))) { Fresh = s => s.NewConference() },
        ["ConferenceService/RecordAttendance"] = new(ConferenceRunners, (c, s) => U(new ConferenceService.ConferenceServiceClient(c).RecordAttendanceAsync(new()
        {
            Name = s.Conference, RequestId = Rid(), Attendance = { new Attendee { DisplayName = "Trần Văn Bình", Present = true } },
        }))) { Fresh = s => s.NewConference() },
        ["ConferenceService/RecordCaseDiscussion"] = new(ConferenceRunners, (c, s) => U(new ConferenceService.ConferenceServiceClient(c).RecordCaseDiscussionAsync(new()
        {
            Name = s.Conference, Case = s.Case, RequestId = Rid(), CentreProposal = "Đề xuất",
            Decisions = { new Decision { Text = "Xác minh", Assignee = Police, DueTime = Later } },
        }))) { Fresh = s => s.NewConference() },

        // A ward office's inbox: its own people, and coordinators looking in to help (read only).
        ["InboxService/ListInboxEvents"] = new(["coordinator", "vice-chair/own", "officer/own"], (c, _) =>
            U(new InboxService.InboxServiceClient(c).ListInboxEventsAsync(new() { Inbox = Ward + "/inbox" }))),
        ["InboxService/WatchInboxEvents"] = new(["coordinator", "vice-chair/own", "officer/own"], (c, _) =>
            Watch(ct => new InboxService.InboxServiceClient(c).WatchInboxEvents(new() { Inbox = Ward + "/inbox" }, cancellationToken: ct))),
        ["InboxService/AckInboxEvents"] = new(["vice-chair/own", "officer/own"], (c, _) =>
            U(new InboxService.InboxServiceClient(c).AckInboxEventsAsync(new() { Inbox = Ward + "/inbox", UpToSequence = 1 }))),

        // Accounts: SignIn needs no token (each caller signs in as a demo person of its own, so no username reaches its sign-in limit); a person reads and
        // changes their own account, coordinators administer, auditors read.
        ["AccountService/SignIn"] = new(Everyone, (c, s) => U(new AccountService.AccountServiceClient(c).SignInAsync(new() { Username = s.Username, Password = s.Password }))) { Fresh = s => s.NextSignIn() },
        ["AccountService/SignOut"] = new(Everyone, (c, _) => U(new AccountService.AccountServiceClient(c).SignOutAsync(new()))) { Instead = (StatusCode.FailedPrecondition, "a token that no sign-in issued has no session to end (NO_SESSION); a session per column would need a demo account per role, and SessionRevocationTests signs real sessions out") },
        ["AccountService/GetAccount"] = new(["coordinator", "auditor", "officer/own"], (c, _) =>
            U(new AccountService.AccountServiceClient(c).GetAccountAsync(new() { Name = "users/hai-chau-1-officer" }))),
        ["AccountService/ListAccounts"] = new(["coordinator", "auditor"], (c, _) => U(new AccountService.AccountServiceClient(c).ListAccountsAsync(new()))),
        ["AccountService/CreateAccount"] = new(["coordinator"], (c, _) => U(new AccountService.AccountServiceClient(c).CreateAccountAsync(new()
        {
            RequestId = Rid(),
            Account = new Account { Username = "m-" + Guid.NewGuid().ToString("N")[..10], DisplayName = "Người thử", Role = StaffRole.WardOfficer, Scope = Ward },
        }))),
        ["AccountService/UpdateAccount"] = new(["coordinator", "officer/own"], (c, _) => U(new AccountService.AccountServiceClient(c).UpdateAccountAsync(new()
        {
            Account = new Account { Name = "users/hai-chau-1-officer", LanguageCode = "vi" }, UpdateMask = FieldMask.FromString("language_code"), RequestId = Rid(),
        }))),
        ["AccountService/ResetPassword"] = new(["coordinator"], (c, _) => U(new AccountService.AccountServiceClient(c).ResetPasswordAsync(new()
        {
            Name = "users/man-thai-officer", RequestId = Rid(),
        }))),
        ["AccountService/ChangePassword"] = new(["officer/own"], (c, s) => U(new AccountService.AccountServiceClient(c).ChangePasswordAsync(new()
        {
            Name = "users/hai-chau-1-officer", CurrentPassword = s.OfficerPassword, NewPassword = "một mật khẩu mới đủ dài", RequestId = Rid(),
        }))),

        // Anyone may exchange an agency's client secret (the call needs no token); coordinators manage secrets and revocation.
        ["TokenService/CreateToken"] = new(Everyone, (c, s) => U(new TokenService.TokenServiceClient(c).CreateTokenAsync(new()
        {
            ClientId = Police, ClientSecret = s.ClientSecret,
        }))),
        ["TokenService/RotateClientSecret"] = new(["coordinator"], (c, _) => U(new TokenService.TokenServiceClient(c).RotateClientSecretAsync(new()
        {
            Agency = "agencies/xuan-ha-police", RequestId = Rid(),
        }))),
        ["TokenService/RevokeToken"] = new(["coordinator"], (c, _) => U(new TokenService.TokenServiceClient(c).RevokeTokenAsync(new()
        {
            TokenId = Guid.NewGuid().ToString("N"), Reason = "Ma trận", RequestId = Rid(),
        }))),
        ["CalendarService/AddWorkingDays"] = new(Everyone, (c, _) => U(new CalendarService.CalendarServiceClient(c).AddWorkingDaysAsync(new() { WorkingDays = 5 }))),
        ["CalendarService/ListDaysOff"] = new(Everyone, (c, _) => U(new CalendarService.CalendarServiceClient(c).ListDaysOffAsync(new() { Year = DateTime.UtcNow.Year }))),

        ["WardService/GetWard"] = new(Everyone, (c, _) => U(new WardService.WardServiceClient(c).GetWardAsync(new() { Name = Ward }))),
        ["WardService/ListWards"] = new(Everyone, (c, _) => U(new WardService.WardServiceClient(c).ListWardsAsync(new()))),
        ["WardService/GetWardSummary"] = new(CaseReaders, (c, _) => U(new WardService.WardServiceClient(c).GetWardSummaryAsync(new() { Name = Ward }))),
        ["WardService/AssignTask"] = new(Assigner, (c, s) => U(new WardService.WardServiceClient(c).AssignTaskAsync(new()
        {
            Ward = Ward, Case = s.Case, Assignee = Police, Title = "t", Instructions = "i", DueTime = Later, RequestId = Rid(),
        }))),
    };

    /// <summary>
    /// What each RPC returned of cases and tasks, read from its answer by hand — the audit must hold
    /// a record of each. Null: no case or task content in the answer (the comment says what it holds).
    /// </summary>
    private static readonly Dictionary<string, Func<State, IMessage[], IEnumerable<string>>?> Disclosures = new()
    {
        // The directory and the calendar: wards, clusters, agencies, services and days; no case or task.
        ["DirectoryService/GetWard"] = null, ["DirectoryService/ListWards"] = null, ["DirectoryService/GetCluster"] = null,
        ["DirectoryService/ListClusters"] = null, ["DirectoryService/GetAgency"] = null, ["DirectoryService/ListAgencies"] = null,
        ["DirectoryService/CreateAgency"] = null, ["DirectoryService/UpdateAgency"] = null, ["DirectoryService/ImportDirectory"] = null,
        ["DirectoryService/GetAgencyService"] = null, ["DirectoryService/ListAgencyServices"] = null,
        ["DirectoryService/CreateAgencyService"] = null, ["DirectoryService/UpdateAgencyService"] = null,
        ["CalendarService/AddWorkingDays"] = null, ["CalendarService/ListDaysOff"] = null,
        ["WardService/GetWard"] = null, ["WardService/ListWards"] = null,
        // Counts by step, risk and status, and the bare names of flagged cases: audited as a read of the ward.
        ["WardService/GetWardSummary"] = null,
        ["WardService/AssignTask"] = Each<Coordination.V1.Task>(TaskNames),
        // Accounts: people, not cases (reads audited as reads of the accounts, changes by the account manager).
        // Tokens: credentials, not cases.
        ["TokenService/CreateToken"] = null, ["TokenService/RotateClientSecret"] = null, ["TokenService/RevokeToken"] = null,
        ["AccountService/SignIn"] = null, ["AccountService/SignOut"] = null, ["AccountService/GetAccount"] = null,
        ["AccountService/ListAccounts"] = null, ["AccountService/CreateAccount"] = null, ["AccountService/UpdateAccount"] = null,
        ["AccountService/ResetPassword"] = null, ["AccountService/ChangePassword"] = null,
        // The audit trail names cases but holds none of their content: audited as a read of its filter.
        ["AuditService/ListAuditEvents"] = null,
        // Statistics: counts, and the cases a clock lists as late (none in the matrix ward's fresh year).
        ["ReportService/GetReport"] = Each<Report>(r => r.Clocks.SelectMany(c => c.LateCases).Select(l => l.Case)),
        // A report file holds the same figures as GetReport and is audited with the same records (AuditReportAsync).
        ["ReportService/ExportReport"] = null,
        // One row per case, its id first.
        ["ReportService/ExportCases"] = (_, m) => CaseIdInRow().Matches(string.Concat(m.Cast<ExportChunk>().Select(c => c.Data.ToStringUtf8())))
            .Select(x => "cases/" + x.Groups[1].Value),

        ["CaseService/CreateCase"] = Each<Case>(CaseName), ["CaseService/GetCase"] = Each<Case>(CaseName),
        ["CaseService/ListCases"] = Each<ListCasesResponse>(l => l.Cases.Select(c => c.Name)),
        // The case's entries, and the histories of the tasks its entries tell.
        ["CaseService/ListCaseTimeline"] = (s, m) => [s.Case, .. m.Cast<ListCaseTimelineResponse>().SelectMany(t => t.Entries).Select(e => e.Resource).Where(r => r.StartsWith("tasks/", StringComparison.Ordinal))],
        ["CaseService/UpdateCase"] = Each<Case>(CaseName), ["CaseService/RecordInitialAssessment"] = Each<Case>(CaseName),
        ["CaseService/RecordDetailedAssessment"] = Each<Case>(CaseName), ["CaseService/ProposePlan"] = Each<Case>(CaseName),
        ["CaseService/ApprovePlan"] = Each<Case>(CaseName), ["CaseService/ReturnPlan"] = Each<Case>(CaseName),
        ["CaseService/StartIntervention"] = Each<Case>(CaseName), ["CaseService/RecordReview"] = Each<Case>(CaseName),
        ["CaseService/AddCaseNote"] = Each<Case>(CaseName), ["CaseService/SetConferenceFlag"] = Each<Case>(CaseName),
        ["CaseService/CloseCase"] = Each<Case>(CaseName), ["CaseService/ReopenCase"] = Each<Case>(CaseName),
        ["CaseService/SetCaseSharing"] = Each<Case>(CaseName),
        ["CaseService/RecordConsent"] = Each<Consent>(c => [string.Join('/', c.Name.Split('/')[..2])]),
        ["CaseService/WithdrawConsent"] = Each<Consent>(c => [string.Join('/', c.Name.Split('/')[..2])]),
        ["CaseService/FindPossibleDuplicates"] = Each<FindPossibleDuplicatesResponse>(f => f.Candidates.Select(c => c.Case)),

        ["TaskService/CreateReferral"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/GetTask"] = Each<Coordination.V1.Task>(TaskNames),
        ["TaskService/ListTasks"] = Each<ListTasksResponse>(l => l.Tasks.SelectMany(TaskNames)),
        ["TaskService/ReceiveTask"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/AcceptTask"] = Each<Coordination.V1.Task>(TaskNames),
        ["TaskService/RejectTask"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/StartTask"] = Each<Coordination.V1.Task>(TaskNames),
        ["TaskService/HoldTask"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/ReportProgress"] = Each<Coordination.V1.Task>(TaskNames),
        ["TaskService/CompleteTask"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/FailTask"] = Each<Coordination.V1.Task>(TaskNames),
        ["TaskService/CancelTask"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/ReassignTask"] = Each<Coordination.V1.Task>(TaskNames),
        ["TaskService/ReviewOutcome"] = Each<Coordination.V1.Task>(TaskNames), ["TaskService/AddTaskComment"] = Each<Coordination.V1.Task>(TaskNames),

        ["PartnerService/ListEvents"] = Each<ListEventsResponse>(l => l.Events.SelectMany(PartnerEventNames)),
        ["PartnerService/WatchEvents"] = Each<PartnerEvent>(PartnerEventNames),
        // A cursor.
        ["PartnerService/AckEvents"] = null,
        ["InboxService/ListInboxEvents"] = Each<ListInboxEventsResponse>(l => l.Events.SelectMany(InboxEventNames)),
        ["InboxService/WatchInboxEvents"] = Each<InboxEvent>(InboxEventNames),
        ["InboxService/AckInboxEvents"] = null,

        ["ConferenceService/GetConference"] = Each<Conference>(ConferenceNames), ["ConferenceService/CreateConference"] = Each<Conference>(ConferenceNames),
        ["ConferenceService/ListConferences"] = Each<ListConferencesResponse>(l => l.Conferences.SelectMany(ConferenceNames)),
        ["ConferenceService/GetConferenceMinutes"] = Each<ConferenceMinutes>(m => ConferenceNames(m.Conference)),
        ["ConferenceService/RescheduleConference"] = Each<Conference>(ConferenceNames), ["ConferenceService/PrepareConference"] = Each<Conference>(ConferenceNames),
        ["ConferenceService/RecordAttendance"] = Each<Conference>(ConferenceNames), ["ConferenceService/RecordCaseDiscussion"] = Each<Conference>(ConferenceNames),

        // A session is about a case once linked to one.
        ["CounsellingService/RecordCounsellingSession"] = Each<CounsellingSession>(s => [s.Case]),
        ["CounsellingService/GetCounsellingSession"] = Each<CounsellingSession>(s => [s.Case]),
        ["CounsellingService/ListCounsellingSessions"] = Each<ListCounsellingSessionsResponse>(l => l.CounsellingSessions.Select(s => s.Case)),
        ["CounsellingService/LinkCounsellingSession"] = Each<CounsellingSession>(s => [s.Case]),
    };

    private static Func<State, IMessage[], IEnumerable<string>> Each<T>(Func<T, IEnumerable<string>> names) =>
        (_, messages) => messages.Cast<T>().SelectMany(names).Where(n => n.Length > 0);

    private static IEnumerable<string> CaseName(Case c) => [c.Name];

    private static IEnumerable<string> TaskNames(Coordination.V1.Task t) => [t.Name, t.Case];

    private static IEnumerable<string> PartnerEventNames(PartnerEvent e) => e.Task is { } t ? TaskNames(t) : [];

    private static IEnumerable<string> InboxEventNames(InboxEvent e) => [e.Task, e.Case];

    private static IEnumerable<string> ConferenceNames(Conference c) =>
        c.Agenda.Select(a => a.Case).Concat(c.Discussions.Select(d => d.Case)).Concat(c.Discussions.SelectMany(d => d.Decisions).Select(d => d.Task));

    [GeneratedRegex(@"^\uFEFF?([A-Z]+-\d{4}-\d{6}),", RegexOptions.Multiline)]
    private static partial Regex CaseIdInRow();

    [Fact]
    public void Every_rpc_of_the_contract_has_a_row_and_a_disclosure_entry()
    {
        var rpcs = Contract.Methods.Select(Contract.Key).Order(StringComparer.Ordinal).ToList();

        // The contract assembly holds more than the services this class once listed by hand.
        Assert.Contains("InboxService/WatchInboxEvents", rpcs);
        Assert.Contains("CounsellingService/LinkCounsellingSession", rpcs);
        Assert.Equal(rpcs, Rows.Keys.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(rpcs, Disclosures.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task The_running_host_serves_exactly_the_rpcs_of_the_contract_assembly()
    {
        var reflected = await Contract.ReflectedMethodsAsync(fixture.Host.Channel.CreateCallInvoker());

        Assert.Equal(Contract.Methods.Select(Contract.Key).Order(StringComparer.Ordinal).ToList(), reflected);
    }

    [Fact]
    public async Task Every_rpc_allows_exactly_the_roles_and_jurisdictions_it_should_and_allowed_calls_succeed()
    {
        var host = fixture.Host;
        var scene = new Scene(host, Credentials.Load(host.DataDirectory));
        var shared = await scene.BuildAsync();
        var mismatches = new List<string>();
        var cells = 0;
        foreach (var (rpc, row) in Rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            // Each allowed caller gets a state of its own where the call changes it; the others share one.
            var states = new Dictionary<string, State>();
            foreach (var column in row.Allowed.Concat(OpenToAnyone.Contains(rpc) ? Unauthenticated : []))
            {
                states[column] = row.Fresh is null ? shared : await row.Fresh(scene);
            }
            // The callers of one RPC at once (authorization does not depend on the order).
            var answers = await Task.WhenAll(Columns.Select(async column =>
            {
                try
                {
                    await row.Call(Invoker(column), states.GetValueOrDefault(column, shared));
                    return (column, Code: StatusCode.OK, Detail: "");
                }
                catch (RpcException e)
                {
                    return (column, Code: e.StatusCode, Detail: e.Status.Detail);
                }
            }));
            foreach (var (column, code, detail) in answers)
            {
                cells++;
                var expected = Unauthenticated.Contains(column)
                    ? OpenToAnyone.Contains(rpc) ? StatusCode.OK : StatusCode.Unauthenticated
                    : row.Allowed.Contains(column) ? row.Instead?.Code ?? StatusCode.OK : StatusCode.PermissionDenied;
                if (code != expected)
                {
                    mismatches.Add($"{rpc} as {column}: expected {expected}, got {code} {detail}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cells} cells differ:\n" + string.Join("\n", mismatches));
        Assert.Equal(Rows.Count * Columns.Length, cells);
    }

    /// <summary>
    /// Content rows: with data in two wards of one cluster (Hải Châu I and Thạch Thang), the
    /// unfiltered lists and watches of every non-city role return nothing of the other ward's — no
    /// case, no task, no counselling session, no free text. In a cluster conference, ward people see
    /// the other ward's case in outline (its name and step, NeedToKnowTests), never the flag reason;
    /// agencies not even the case.
    /// </summary>
    [Fact]
    public async Task Unfiltered_lists_and_watches_of_ward_and_agency_roles_show_nothing_of_another_ward()
    {
        var host = fixture.Host;
        var scene = new Scene(host, Credentials.Load(host.DataDirectory));
        var own = await scene.BuildAsync();
        const string secret = "Lý do riêng của Thạch Thang — không ai ngoài phường được đọc";
        // Own-ward data in every list: the matrix case flagged for the conference, a plan awaiting approval in the ward's inbox.
        await new CaseService.CaseServiceClient(Invoker("officer/own")).SetConferenceFlagAsync(new() { Name = own.Case, Flagged = true, Reason = "Cần bàn", RequestId = Rid() });
        var proposed = (await scene.CaseAt(Stage.Proposed)).Case;
        string[] mine = [own.Case, own.Task, own.Session, proposed];
        var other = await OtherWardDataAsync(host, secret, own.Case);

        var calls = new (string What, string[] Roles, Func<CallInvoker, Task<IMessage[]>> Call)[]
        {
            ("ListCases", ["vice-chair/own", "officer/own"], c => U(new CaseService.CaseServiceClient(c).ListCasesAsync(new() { PageSize = 500 }))),
            ("ListTasks", ["vice-chair/own", "officer/own", "agency/own", "liaison/own"], c => U(new TaskService.TaskServiceClient(c).ListTasksAsync(new() { PageSize = 500 }))),
            ("ListCounsellingSessions", ["vice-chair/own", "officer/own"], c => U(new CounsellingService.CounsellingServiceClient(c).ListCounsellingSessionsAsync(new() { PageSize = 500 }))),
            ("ListConferences", ["vice-chair/own", "officer/own", "agency/own", "liaison/own"], c => U(new ConferenceService.ConferenceServiceClient(c).ListConferencesAsync(new() { Parent = Cluster, PageSize = 100 }))),
            ("ListEvents", ["agency/own", "liaison/own"], c => U(new PartnerService.PartnerServiceClient(c).ListEventsAsync(new() { Agency = Police, PageSize = 500 }))),
            ("WatchEvents", ["agency/own", "liaison/own"], c => Watch(ct => new PartnerService.PartnerServiceClient(c).WatchEvents(new() { Agency = Police }, cancellationToken: ct))),
            ("ListInboxEvents", ["vice-chair/own", "officer/own"], c => U(new InboxService.InboxServiceClient(c).ListInboxEventsAsync(new() { Inbox = Ward + "/inbox", PageSize = 500 }))),
            ("WatchInboxEvents", ["vice-chair/own", "officer/own"], c => Watch(ct => new InboxService.InboxServiceClient(c).WatchInboxEvents(new() { Inbox = Ward + "/inbox" }, cancellationToken: ct))),
        };
        var problems = new List<string>();
        foreach (var (what, roles, call) in calls)
        {
            foreach (var role in roles)
            {
                var text = string.Join("\n", (await call(Invoker(role))).Select(m => m.ToString()));
                var agency = role.StartsWith("agency", StringComparison.Ordinal) || role.StartsWith("liaison", StringComparison.Ordinal);
                // In a conference, ward people see the other ward's case in outline: its name may appear, its text never.
                var forbidden = what == "ListConferences" && !agency ? [secret] : other.Append(secret);
                problems.AddRange(forbidden.Where(f => text.Contains(f, StringComparison.Ordinal)).Select(f => $"{what} as {role} shows {f}"));
                // And each call showed something of the caller's own ward, so the check above is not vacuous.
                if (!mine.Any(m => text.Contains(m, StringComparison.Ordinal)))
                {
                    problems.Add($"{what} as {role} shows nothing of its own ward's case, task or session");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Thạch Thang's case flagged with <paramref name="secret"/> on the agenda of a prepared cluster
    /// conference (with <paramref name="ownCase"/>), a task for its police, a counselling session on it; their names.
    /// </summary>
    private static async Task<string[]> OtherWardDataAsync(PlatformHost host, string secret, string ownCase)
    {
        var officer = host.As(Actors["officer/cluster"]);
        var cases = new CaseService.CaseServiceClient(officer);
        var other = (await cases.CreateCaseAsync(new() { Case = NewCase(OtherWard), RequestId = Rid() })).Name;
        await cases.SetConferenceFlagAsync(new() { Name = other, Flagged = true, Reason = secret, RequestId = Rid() });
        var task = (await new WardService.WardServiceClient(host.As(Actors["vice-chair/cluster"])).AssignTaskAsync(new()
        {
            Ward = OtherWard, Case = other, Assignee = "agencies/thach-thang-police", Title = "Xác minh", Instructions = secret, DueTime = Later, RequestId = Rid(),
        })).Name;
        await new TaskService.TaskServiceClient(host.As(new Actor("agencies/thach-thang-police", "Công an phường Thạch Thang", Actor.AgencySystem, "agencies/thach-thang-police")))
            .AcceptTaskAsync(new() { Name = task, RequestId = Rid() });
        var session = (await new CounsellingService.CounsellingServiceClient(officer).RecordCounsellingSessionAsync(new()
        {
            RequestId = Rid(),
            CounsellingSession = new CounsellingSession { Ward = OtherWard, Case = other, Channel = CounsellingChannel.Phone, Topics = { CounsellingTopic.ChildCare }, DurationMinutes = 10 },
        })).Name;
        // The agenda is built from the read model: prepare conferences until one holds the flagged case.
        var conferences = new ConferenceService.ConferenceServiceClient(host.As(Actors["coordinator"]));
        for (var i = 0; ; i++)
        {
            var created = await conferences.CreateConferenceAsync(new()
            {
                Parent = Cluster, RequestId = Rid(), Conference = new Conference { StartTime = Later, Title = "Hội thảo ca — nội dung" },
            });
            var prepared = await conferences.PrepareConferenceAsync(new() { Name = created.Name, RequestId = Rid() });
            if (prepared.Agenda.Any(a => a.Case == other) && prepared.Agenda.Any(a => a.Case == ownCase))
            {
                break;
            }
            Assert.True(i < 50, "the flagged case never reached a conference agenda");
            await Task.Delay(100);
        }
        return [other, task, session];
    }

    /// <summary>
    /// Audit completeness: every RPC of the contract, called once by an allowed caller, leaves a
    /// record with that caller and outcome OK for each case and task its answer (or stream) carried;
    /// an RPC without an entry in the disclosure table fails. A refused call and a watch the client
    /// cancels are recorded with their outcome.
    /// </summary>
    [Fact]
    public async Task Every_rpc_records_each_case_and_task_it_returned_with_caller_and_outcome()
    {
        var host = fixture.Host;
        var scene = new Scene(host, Credentials.Load(host.DataDirectory));
        var shared = await scene.BuildAsync();
        // The shared conference discusses the matrix case, so the conference reads carry a case and a decision's task.
        await new ConferenceService.ConferenceServiceClient(host.As(Actors["coordinator"])).RecordCaseDiscussionAsync(new()
        {
            Name = shared.Conference, Case = shared.Case, RequestId = Rid(), CentreProposal = "Đề xuất",
            Decisions = { new Decision { Text = "Xác minh", Assignee = Police, DueTime = Later } },
        });
        // And the shared counselling session is about the matrix case.
        var linked = await new CounsellingService.CounsellingServiceClient(host.As(Actors["officer/own"])).LinkCounsellingSessionAsync(new()
        {
            Name = shared.Session, Case = shared.Case, Etag = shared.SessionEtag, RequestId = Rid(),
        });
        shared = shared with { SessionEtag = linked.Etag };
        var before = await fixture.Database.ScalarAsync<long>("select coalesce(max(id), 0) from audit_events");
        var expected = new List<(string Method, string Principal, string Resource)>();
        var missing = new List<string>();
        var silent = new List<string>();
        foreach (var method in Contract.Methods)
        {
            var rpc = Contract.Key(method);
            if (!Rows.TryGetValue(rpc, out var row) || !Disclosures.TryGetValue(rpc, out var disclosed))
            {
                missing.Add(rpc);
                continue;
            }
            if (disclosed is null)
            {
                continue;
            }
            var column = row.Allowed.First(Actors.ContainsKey);
            // Changes to a conference act on the shared one, which discusses the matrix case.
            var state = row.Fresh is null || rpc is "ConferenceService/RecordAttendance" or "ConferenceService/RecordCaseDiscussion"
                ? shared : await row.Fresh(scene);
            var names = disclosed(state, await row.Call(Invoker(column), state)).Where(n => n.Length > 0).Distinct().ToList();
            if (names.Count == 0)
            {
                silent.Add(rpc);
            }
            expected.AddRange(names.Select(n => ($"{method.Service.FullName}/{method.Name}", Actors[column].Principal, n)));
        }
        Assert.True(missing.Count == 0, "RPCs without a row or a disclosure entry: " + string.Join(", ", missing));
        // Refused, and cancelled by the client: recorded with their outcome.
        await Assert.ThrowsAsync<RpcException>(() => U(new CaseService.CaseServiceClient(Invoker("officer/other")).GetCaseAsync(new() { Name = shared.Case })));
        await Watch(ct => new PartnerService.PartnerServiceClient(Invoker("agency/own")).WatchEvents(new() { Agency = Police }, cancellationToken: ct));

        var recorded = new HashSet<(string, string, string, string)>();
        for (var i = 0; i < 60; i++)
        {
            recorded = await AuditRowsAfterAsync(before);
            if (expected.All(e => recorded.Contains((e.Method, e.Principal, e.Resource, "OK")))
                && recorded.Contains(("coordination.v1.CaseService/GetCase", "users/xuan-ha-officer", shared.Case, "PERMISSION_DENIED"))
                && recorded.Contains(("coordination.v1.PartnerService/WatchEvents", Police, Police, "CANCELLED")))
            {
                break;
            }
            await Task.Delay(250);
        }

        var unrecorded = expected.Where(e => !recorded.Contains((e.Method, e.Principal, e.Resource, "OK"))).Select(e => $"{e.Method} {e.Resource} as {e.Principal}").ToList();
        Assert.True(unrecorded.Count == 0, $"{unrecorded.Count} of {expected.Count} disclosures not audited:\n" + string.Join("\n", unrecorded));
        // Every RPC with case or task content returned some here, but those whose answer may hold none by nature.
        Assert.True(silent.All(MayDiscloseNothing.Contains), $"RPCs that returned no case or task to check: {string.Join(", ", silent.Except(MayDiscloseNothing))}");
        Assert.Contains(("coordination.v1.CaseService/GetCase", "users/xuan-ha-officer", shared.Case, "PERMISSION_DENIED"), recorded);
        Assert.Contains(("coordination.v1.PartnerService/WatchEvents", Police, Police, "CANCELLED"), recorded);
    }

    /// <summary>RPCs whose answer may carry no case or task in the scene above, and why.</summary>
    private static readonly string[] MayDiscloseNothing =
    [
        "ConferenceService/CreateConference", // a new conference has no agenda yet
        "ConferenceService/PrepareConference", // its agenda holds the cluster's flagged cases, if any
        "ConferenceService/RescheduleConference", // a conference is rescheduled before it is held: this one has no agenda yet
        "CounsellingService/RecordCounsellingSession", // a session on no case (linking is a separate call)
        "ReportService/GetReport", // lists late cases only, and the matrix ward has none yet
    ];

    private async Task<HashSet<(string, string, string, string)>> AuditRowsAfterAsync(long id)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var cmd = db.CreateCommand("select method, principal, resource, outcome from audit_events where id > @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new HashSet<(string, string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return rows;
    }
}
