using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// The service catalogue against one demo-seeded host: the demo services listed, an agency keeping
/// its capacity current, a task's due time taken from a service's response time on the working-day
/// calendar, a closed service refused and a waitlisted one flagged.
/// </summary>
[Collection(Lanes.Work)]
public sealed class ServiceCatalogueFlowTests(SeededHostFixture fixture) : IClassFixture<SeededHostFixture>
{
    private const string Ward = "wards/hai-chau-1";
    private const string Police = "agencies/hai-chau-1-police";
    private const string Justice = "agencies/hai-chau-1-justice";
    private const string Health = "agencies/hai-chau-1-health";
    private const string Centre = "agencies/danang-swc";

    private static readonly Actor ViceChair = new("users/hai-chau-1-vice-chair", "Trần Văn Bình", Actor.WardViceChair, Ward);
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, Ward);
    private static readonly Actor JusticeLiaison = new("users/hai-chau-1-justice-liaison", "Lê Văn Thành", Actor.AgencyLiaison, Justice);
    private static readonly Actor JusticeSystem = new(Justice, "Bộ phận Tư pháp phường Hải Châu I", Actor.AgencySystem, Justice);
    private static readonly Actor OtherJustice = new("agencies/xuan-ha-justice", "Bộ phận Tư pháp phường Xuân Hà", Actor.AgencySystem, "agencies/xuan-ha-justice");

    private DirectoryService.DirectoryServiceClient Directory(Actor? who = null) => new(who is null ? fixture.Host.Coordinator : fixture.Host.As(who));
    private WardService.WardServiceClient Wards => new(fixture.Host.As(ViceChair));
    private TaskService.TaskServiceClient Tasks => new(fixture.Host.As(Officer));
    private CalendarService.CalendarServiceClient Calendar => new(fixture.Host.Coordinator);

    private static string Rid() => Guid.NewGuid().ToString();

    private AssignTaskRequest Assignment(string assignee, string service) => new()
    {
        Ward = Ward, Assignee = assignee, Service = service, Title = "Hỗ trợ theo dịch vụ", Instructions = "Liên hệ gia đình", RequestId = Rid(),
    };

    private async Task<string> NewCaseAsync() => (await new CaseService.CaseServiceClient(fixture.Host.As(Officer)).CreateCaseAsync(new()
    {
        RequestId = Rid(),
        Case = new Case
        {
            Ward = Ward, Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused },
            Person = new Person { DisplayName = "Trẻ dịch vụ", Sex = Sex.Male, ApproximateAgeYears = 9 },
        },
    })).Name;

    private static CreateReferralRequest Referral(string caseName, string assignee, string service) => new()
    {
        Case = caseName, Assignee = assignee, Service = service, RequestId = Rid(),
        Dossier = new ReferralDossier { Reason = "Cần hỗ trợ", RequestedService = "Theo danh mục", ConsentGiven = true, ConsentBy = "Mẹ" },
    };

    [Fact]
    public async Task The_demo_agencies_publish_the_services_they_list_with_response_times()
    {
        var police = await Directory(JusticeSystem).ListAgencyServicesAsync(new() { Parent = Police });
        var verification = Assert.Single(police.Services, s => s.Name == Police + "/services/xac-minh-xu-ly");
        Assert.Equal(("Xác minh, xử lý hành vi xâm hại", 12, ResponseTimeUnit.Hours, ServiceKind.Investigation),
            (verification.DisplayName, verification.ResponseTime.Value, verification.ResponseTime.Unit, verification.Kind));
        var safety = Assert.Single(police.Services, s => s.Name == Police + "/services/bao-dam-an-toan");
        Assert.Equal((1, ResponseTimeUnit.Hours), (safety.ResponseTime.Value, safety.ResponseTime.Unit));

        var legalAid = await Directory().GetAgencyServiceAsync(new() { Name = Justice + "/services/tro-giup-phap-ly" });
        Assert.Equal((5, ResponseTimeUnit.WorkingDays, ServiceKind.LegalAid), (legalAid.ResponseTime.Value, legalAid.ResponseTime.Unit, legalAid.Kind));
        Assert.NotEmpty(legalAid.Etag);

        // Every agency's catalogue, page by page, ordered by agency then service.
        var all = new List<AgencyService>();
        var token = "";
        do
        {
            var page = await Directory().ListAgencyServicesAsync(new() { Parent = "agencies/-", PageSize = 25, PageToken = token });
            all.AddRange(page.Services);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var onePage = await Directory().ListAgencyServicesAsync(new() { Parent = "agencies/-", PageSize = 500 });
        Assert.Equal(onePage.Services.Select(s => s.Name), all.Select(s => s.Name));
        Assert.Equal(all.Count, all.Select(s => s.Name).Distinct().Count());
        Assert.True(all.Count >= 70, $"{all.Count} services");
        Assert.Contains(all, s => s.Name == Centre + "/services/can-thiep-hanh-vi" && s.Capacity == ServiceCapacity.Waitlist);
        Assert.DoesNotContain(all, s => s.Name.Contains("-committee/", StringComparison.Ordinal));

        var counselling = await Directory().ListAgencyServicesAsync(new() { Parent = "agencies/-", Kind = ServiceKind.Counselling, PageSize = 500 });
        Assert.All(counselling.Services, s => Assert.Equal(ServiceKind.Counselling, s.Kind));
        Assert.Contains(counselling.Services, s => s.Name == "agencies/hai-chau-1-womens-union/services/tu-van-gia-dinh" && s.ResponseTime.Value == 3);

        await RpcAssert.Fails(StatusCode.NotFound, () => Directory().GetAgencyServiceAsync(new() { Name = Police + "/services/khong-co" }).ResponseAsync);
        await RpcAssert.FailsWithFields(() => Directory().GetAgencyServiceAsync(new() { Name = "agencies/Police/x" }).ResponseAsync, "name");
    }

    [Fact]
    public async Task An_agency_keeps_the_capacity_of_its_own_services_current_and_nothing_else()
    {
        var name = Justice + "/services/tu-van-phap-luat";
        var before = await Directory().GetAgencyServiceAsync(new() { Name = name });

        var waitlisted = await Directory(JusticeLiaison).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, Capacity = ServiceCapacity.Waitlist, CapacityNote = "Chờ khoảng 1 tuần", Etag = before.Etag },
            UpdateMask = FieldMask.FromString("capacity,capacity_note"), RequestId = Rid(),
        });
        Assert.Equal((ServiceCapacity.Waitlist, "Chờ khoảng 1 tuần"), (waitlisted.Capacity, waitlisted.CapacityNote));
        Assert.True(waitlisted.CapacityUpdateTime.ToDateTimeOffset() > before.CapacityUpdateTime.ToDateTimeOffset());
        Assert.Equal(before.ResponseTime, waitlisted.ResponseTime);

        // The old etag is stale now.
        await RpcAssert.Fails(StatusCode.Aborted, () => Directory(JusticeSystem).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, Capacity = ServiceCapacity.Open, Etag = before.Etag },
            UpdateMask = FieldMask.FromString("capacity"), RequestId = Rid(),
        }).ResponseAsync);
        var reopened = await Directory(JusticeSystem).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, Capacity = ServiceCapacity.Open, Etag = waitlisted.Etag },
            UpdateMask = FieldMask.FromString("capacity,capacity_note"), RequestId = Rid(),
        });
        Assert.Equal((ServiceCapacity.Open, ""), (reopened.Capacity, reopened.CapacityNote));

        // The response time is the coordinator's to set; another agency's capacity is not the agency's.
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Directory(JusticeLiaison).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, ResponseTime = new ResponseTime { Value = 30, Unit = ResponseTimeUnit.WorkingDays } },
            UpdateMask = FieldMask.FromString("response_time"), RequestId = Rid(),
        }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Directory(OtherJustice).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, Capacity = ServiceCapacity.Closed },
            UpdateMask = FieldMask.FromString("capacity"), RequestId = Rid(),
        }).ResponseAsync);
        await RpcAssert.FailsWithFields(() => Directory().UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, ResponseTime = new ResponseTime { Value = 100, Unit = ResponseTimeUnit.Hours } },
            UpdateMask = FieldMask.FromString("response_time,etag"), RequestId = Rid(),
        }).ResponseAsync, "update_mask", "service.response_time.value");

        // A coordinator adds a service; a retry returns it, another request for the same id is refused.
        var create = new CreateAgencyServiceRequest
        {
            Parent = Justice, ServiceId = "hoa-giai-co-so", RequestId = Rid(),
            Service = new AgencyService
            {
                DisplayName = "Hòa giải ở cơ sở", Kind = ServiceKind.LegalAid, EligibilityNote = "Gia đình cư trú trong phường",
                ResponseTime = new ResponseTime { Value = 10, Unit = ResponseTimeUnit.WorkingDays },
            },
        };
        var created = await Directory().CreateAgencyServiceAsync(create);
        Assert.Equal((Justice + "/services/hoa-giai-co-so", ServiceCapacity.Open), (created.Name, created.Capacity));
        Assert.Equal(created, await Directory().CreateAgencyServiceAsync(create));
        await RpcAssert.Fails(StatusCode.AlreadyExists, () => Directory().CreateAgencyServiceAsync(new CreateAgencyServiceRequest(create) { RequestId = Rid() }).ResponseAsync);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Directory(JusticeLiaison).CreateAgencyServiceAsync(new CreateAgencyServiceRequest(create) { ServiceId = "khac", RequestId = Rid() }).ResponseAsync);
    }

    [Fact]
    public async Task A_task_naming_a_service_without_a_due_time_is_due_after_its_response_time_on_the_working_day_calendar()
    {
        var request = Assignment(Justice, Justice + "/services/tro-giup-phap-ly");
        var task = await Wards.AssignTaskAsync(request);

        var expected = await Calendar.AddWorkingDaysAsync(new() { StartTime = task.CreateTime, WorkingDays = 5 });
        Assert.Equal(expected.EndTime, task.DueTime);
        Assert.Equal((Justice + "/services/tro-giup-phap-ly", "Trợ giúp pháp lý", ServiceCapacity.Open),
            (task.Service, task.ServiceDisplayName, task.ServiceCapacity));
        Assert.Equal(task, await Wards.AssignTaskAsync(request));
        var read = await new TaskService.TaskServiceClient(fixture.Host.As(JusticeSystem)).GetTaskAsync(new() { Name = task.Name });
        Assert.Equal(task.Service, read.Service);

        // An emergency service counts clock hours; a due time the requester gives wins.
        var emergency = await Wards.AssignTaskAsync(Assignment(Police, Police + "/services/bao-dam-an-toan"));
        Assert.Equal(emergency.CreateTime.ToDateTimeOffset().AddHours(1), emergency.DueTime.ToDateTimeOffset());
        var given = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2));
        var withDue = await Wards.AssignTaskAsync(new AssignTaskRequest(Assignment(Police, Police + "/services/xac-minh-xu-ly")) { DueTime = given });
        Assert.Equal(given, withDue.DueTime);

        // A referral too: to the Centre's psychological therapy, 3 working days.
        var caseName = await NewCaseAsync();
        var referral = await Tasks.CreateReferralAsync(Referral(caseName, Centre, Centre + "/services/tri-lieu-tam-ly"));
        var three = await Calendar.AddWorkingDaysAsync(new() { StartTime = referral.CreateTime, WorkingDays = 3 });
        Assert.Equal((three.EndTime, Centre + "/services/tri-lieu-tam-ly"), (referral.DueTime, referral.Service));

        // Without a service the due time is still required; a service must be the assignee's own.
        var none = new AssignTaskRequest(Assignment(Justice, "")) { };
        await RpcAssert.FailsWithFields(() => Wards.AssignTaskAsync(none).ResponseAsync, "due_time");
        await RpcAssert.FailsWithFields(() => Wards.AssignTaskAsync(Assignment(Justice, Police + "/services/bao-dam-an-toan")).ResponseAsync, "service");
        await RpcAssert.FailsWithFields(() => Tasks.CreateReferralAsync(Referral(caseName, Centre, Centre)).ResponseAsync, "service");
        await RpcAssert.FailsWithFields(() => Wards.AssignTaskAsync(Assignment(Justice, Justice + "/services/khong-co")).ResponseAsync, "service");
    }

    [Fact]
    public async Task A_closed_service_is_refused_with_a_reason_and_a_waitlisted_one_is_flagged_on_the_task()
    {
        var name = Health + "/services/chuyen-tuyen-y-te";
        await Directory(new Actor("users/hai-chau-1-health-liaison", "Trần Thị Mai", Actor.AgencyLiaison, Health)).UpdateAgencyServiceAsync(new()
        {
            Service = new AgencyService { Name = name, Capacity = ServiceCapacity.Closed, CapacityNote = "Hết chỗ đến 15/12" },
            UpdateMask = FieldMask.FromString("capacity,capacity_note"), RequestId = Rid(),
        });

        var refused = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Wards.AssignTaskAsync(Assignment(Health, name)).ResponseAsync);
        Assert.Equal("SERVICE_CLOSED", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Contains("choose another", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Hết chỗ đến 15/12", refused.Status.Detail, StringComparison.Ordinal);
        var caseName = await NewCaseAsync();
        var referral = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Tasks.CreateReferralAsync(Referral(caseName, Health, name)).ResponseAsync);
        Assert.Equal("SERVICE_CLOSED", referral.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        // The agency's other service still takes people.
        Assert.Equal(ServiceCapacity.Open, (await Wards.AssignTaskAsync(Assignment(Health, Health + "/services/so-cuu-kham-suc-khoe"))).ServiceCapacity);

        var waitlisted = await Tasks.CreateReferralAsync(Referral(caseName, Centre, Centre + "/services/can-thiep-hanh-vi"));
        Assert.Equal(ServiceCapacity.Waitlist, waitlisted.ServiceCapacity);
        var five = await Calendar.AddWorkingDaysAsync(new() { StartTime = waitlisted.CreateTime, WorkingDays = 5 });
        Assert.Equal(five.EndTime, waitlisted.DueTime);
    }
}
