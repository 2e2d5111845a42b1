using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Reports;

/// <summary>
/// The report facts the statistics read are written by the real grains: cases and a task taken
/// through the API this quarter show up in this quarter's figures (the fixture's are of 2026-Q1).
/// </summary>
[Collection(Lanes.Work)]
public sealed class ReportFlowTests(ReportFixture fixture)
{
    private static readonly Actor Officer = new("users/thach-thang-officer", "Phạm Thị Ngọc Ánh", Actor.WardOfficer, "wards/thach-thang");
    private static readonly Actor ViceChair = new("users/thach-thang-vice-chair", "Lê Quang Vinh", Actor.WardViceChair, "wards/thach-thang");
    private static readonly Actor Police = new("agencies/thach-thang-police", "Công an phường Thạch Thang", Actor.AgencySystem, "agencies/thach-thang-police");

    private static string Rid() => Guid.NewGuid().ToString();

    [Fact]
    public async Task Cases_and_a_referral_worked_through_the_API_are_counted_in_this_quarter()
    {
        var cases = new CaseService.CaseServiceClient(fixture.Host.As(Officer));
        var now = DateTimeOffset.UtcNow;
        async Task<string> Emergency(TimeSpan reportedAgo)
        {
            var c = await cases.CreateCaseAsync(new CreateCaseRequest
            {
                RequestId = Rid(),
                Case = new Case
                {
                    Ward = "wards/thach-thang", Source = IntakeSource.HotlineCall, Categories = { CaseCategory.Abused }, ReportTime = Timestamp.FromDateTimeOffset(now - reportedAgo),
                    Person = new Person { DisplayName = "Trẻ em thử báo cáo", Sex = Sex.Female, ApproximateAgeYears = 9 },
                },
            });
            await cases.RecordInitialAssessmentAsync(new RecordInitialAssessmentRequest
            {
                Name = c.Name, RequestId = Rid(), Assessment = new Assessment { RiskLevel = RiskLevel.Serious, Findings = "Nguy cơ cao" },
            });
            await cases.RecordDetailedAssessmentAsync(new RecordDetailedAssessmentRequest
            {
                Name = c.Name, RequestId = Rid(), Assessment = new Assessment { Findings = "Đã đưa trẻ đến nơi an toàn" },
            });
            return c.Name;
        }
        // Reported 20 hours ago: the measures came late. Reported an hour ago: on time.
        var late = await Emergency(TimeSpan.FromHours(20));
        var onTime = await Emergency(TimeSpan.FromHours(1));
        var task = await new WardService.WardServiceClient(fixture.Host.As(ViceChair)).AssignTaskAsync(new AssignTaskRequest
        {
            Ward = "wards/thach-thang", Case = onTime, Assignee = "agencies/thach-thang-police", Title = "Xác minh", Instructions = "Xác minh ngay",
            DueTime = Timestamp.FromDateTimeOffset(now.AddDays(3)), RequestId = Rid(),
        });
        var police = new TaskService.TaskServiceClient(fixture.Host.As(Police));
        await police.AcceptTaskAsync(new AcceptTaskRequest { Name = task.Name, RequestId = Rid() });
        await police.StartTaskAsync(new StartTaskRequest { Name = task.Name, RequestId = Rid() });
        await police.CompleteTaskAsync(new CompleteTaskRequest
        {
            Name = task.Name, RequestId = Rid(), Outcome = new OutcomeReport { ActionsTaken = "Đã xác minh", Result = "An toàn" },
        });
        await new TaskService.TaskServiceClient(fixture.Host.As(ViceChair)).ReviewOutcomeAsync(new ReviewOutcomeRequest { Name = task.Name, RequestId = Rid() });

        var vn = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh"));
        var quarter = $"{vn.Year}-Q{(vn.Month - 1) / 3 + 1}";
        var report = await new ReportService.ReportServiceClient(fixture.Host.As(Officer)).GetReportAsync(new GetReportRequest
        {
            Scope = "wards/thach-thang", Period = new ReportPeriod { Quarter = quarter },
        });

        // Reported 20 hours ago may fall in the previous quarter on its first day: count only what this quarter holds.
        var expectedNew = new[] { now - TimeSpan.FromHours(20), now - TimeSpan.FromHours(1) }
            .Count(t => TimeZoneInfo.ConvertTime(t, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")) is var l && l.Year == vn.Year && (l.Month - 1) / 3 == (vn.Month - 1) / 3);
        Assert.Equal(expectedNew, report.Cases.NewCases);
        Assert.Equal(2, report.Cases.OpenAtEnd);
        Assert.Equal(2, report.Cases.OpenByStep.Rows.Single(r => r.Key == "CASE_STEP_PLANNING").Count);
        var emergency = report.Clocks.Single(c => c.Clock == LegalClock.EmergencyMeasures);
        Assert.Equal(expectedNew, emergency.Count);
        if (expectedNew == 2)
        {
            Assert.Equal((1L, 1L), (emergency.Met, emergency.Late));
            Assert.Equal(late, Assert.Single(emergency.LateCases).Case);
        }
        var total = report.Tasks.Total;
        Assert.Equal((1L, 1L, 1L, 1L), (total.Assigned, total.Accepted, total.Completed, total.Reviewed));
        Assert.Equal(1.0, total.ClosedLoopShare);

        // The history behind it: every timeline entry of the late case, with the step after it.
        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var cmd = db.CreateCommand("select string_agg(action || ':' || step, ',' order by seq) from case_events where case_id = @id");
        cmd.Parameters.AddWithValue("id", late["cases/".Length..]);
        Assert.Equal("CASE_OPENED:1,INITIAL_ASSESSMENT_RECORDED:3,DETAILED_ASSESSMENT_RECORDED:4", await cmd.ExecuteScalarAsync());
    }
}
