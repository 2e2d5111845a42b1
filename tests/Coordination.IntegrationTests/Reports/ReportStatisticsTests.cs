using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests.Reports;

/// <summary>
/// Every figure of the first quarter of 2026 checked against the count, share and median worked out
/// by hand from <see cref="ReportFixture"/>; no figure is asserted only as "not zero".
/// </summary>
[Collection(Lanes.Work)]
public sealed class ReportStatisticsTests(ReportFixture fixture)
{
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Officer = new("users/hai-chau-1-officer", "Nguyễn Thị Lan", Actor.WardOfficer, "wards/hai-chau-1");
    private static readonly Actor Police = new("agencies/hai-chau-1-police", "Công an phường Hải Châu I", Actor.AgencySystem, "agencies/hai-chau-1-police");

    private Task<Report> Get(string scope, string quarter = "2026-Q1", Actor? actor = null) =>
        new ReportService.ReportServiceClient(fixture.Host.As(actor ?? Coordinator))
            .GetReportAsync(new GetReportRequest { Scope = scope, Period = new ReportPeriod { Quarter = quarter } }).ResponseAsync;

    private static long Row(Breakdown b, string key) => b.Rows.Single(r => r.Key == key).Count;

    private static ClockFigure Clock(Report r, LegalClock c) => r.Clocks.Single(k => k.Clock == c);

    private static void Precise(double expected, double actual) => Assert.Equal(expected, actual, 3);

    [Fact]
    public async Task New_cases_of_a_ward_are_counted_by_source_category_sex_age_band_and_risk()
    {
        var c = (await Get("wards/hai-chau-1")).Cases;

        Assert.Equal(11, c.NewCases);
        Assert.Equal(4, Row(c.NewBySource, "INTAKE_SOURCE_HOTLINE_CALL"));
        Assert.Equal(2, Row(c.NewBySource, "INTAKE_SOURCE_COLLABORATOR_REPORT"));
        Assert.Equal(3, Row(c.NewBySource, "INTAKE_SOURCE_WARD_SURVEY"));
        Assert.Equal(2, Row(c.NewBySource, "INTAKE_SOURCE_REFERRAL"));
        Precise(4.0 / 11, c.NewBySource.Rows.Single(r => r.Key == "INTAKE_SOURCE_HOTLINE_CALL").Share);
        Assert.Equal(2, Row(c.NewByCategory, "CASE_CATEGORY_ABUSED"));
        Assert.Equal(2, Row(c.NewByCategory, "CASE_CATEGORY_VIOLENCE"));
        Assert.Equal(2, Row(c.NewByCategory, "CASE_CATEGORY_ABANDONED"));
        Assert.Equal(2, Row(c.NewByCategory, "CASE_CATEGORY_NEGLECT"));
        Assert.Equal(1, Row(c.NewByCategory, "CASE_CATEGORY_MENTAL_HEALTH"));
        Assert.Equal(0, Row(c.NewByCategory, "CASE_CATEGORY_LANDMINE_VICTIM"));
        Assert.Equal(6, Row(c.NewBySex, "SEX_FEMALE"));
        Assert.Equal(4, Row(c.NewBySex, "SEX_MALE"));
        Assert.Equal(1, Row(c.NewBySex, "SEX_UNKNOWN"));
        Assert.Equal([2L, 3, 2, 1, 3, 0], c.NewByAgeBand.Rows.Select(r => r.Count));
        Assert.Equal(["0-5", "6-10", "11-15", "16-17", "18+", "unknown"], c.NewByAgeBand.Rows.Select(r => r.Key));
        Assert.Equal(5, Row(c.NewByRisk, "RISK_LEVEL_SERIOUS"));
        Assert.Equal(1, Row(c.NewByRisk, "RISK_LEVEL_HIGH"));
        Assert.Equal(1, Row(c.NewByRisk, "RISK_LEVEL_MEDIUM"));
        Assert.Equal(2, Row(c.NewByRisk, "RISK_LEVEL_LOW"));
        Assert.Equal(2, Row(c.NewByRisk, "RISK_LEVEL_UNSPECIFIED"));
        Assert.Equal("Bị xâm hại", c.NewByCategory.Rows.Single(r => r.Key == "CASE_CATEGORY_ABUSED").Label);
    }

    [Fact]
    public async Task Open_cases_at_the_end_of_the_quarter_are_counted_by_the_step_they_were_at_then()
    {
        var c = (await Get("wards/hai-chau-1")).Cases;

        // C09 closed in April still counts as open (at RECEIVED) at the end of March; C15 came in April.
        Assert.Equal(11, c.OpenAtEnd);
        Assert.Equal(2, Row(c.OpenByStep, "CASE_STEP_RECEIVED"));
        Assert.Equal(2, Row(c.OpenByStep, "CASE_STEP_EMERGENCY"));
        Assert.Equal(2, Row(c.OpenByStep, "CASE_STEP_PLANNING"));
        Assert.Equal(2, Row(c.OpenByStep, "CASE_STEP_PLAN_APPROVED"));
        Assert.Equal(2, Row(c.OpenByStep, "CASE_STEP_IN_INTERVENTION"));
        Assert.Equal(1, Row(c.OpenByStep, "CASE_STEP_MONITORING"));
        Assert.Equal(1, c.OpenOverSixMonths);
    }

    [Fact]
    public async Task Closings_are_counted_by_reason_and_the_trend_shows_four_quarters()
    {
        var r = await Get("wards/hai-chau-1");

        Assert.Equal(3, r.Cases.Closed);
        Assert.Equal(2, Row(r.Cases.ClosedByReason, "Đã đoàn tụ gia đình"));
        Assert.Equal(1, Row(r.Cases.ClosedByReason, "Không thuộc diện hỗ trợ"));
        Assert.Equal(["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"], r.Cases.Trend.Select(q => q.Quarter));
        Assert.Equal([0L, 1, 2, 11], r.Cases.Trend.Select(q => q.NewCases));
        Assert.Equal([0L, 0, 0, 3], r.Cases.Trend.Select(q => q.ClosedCases));

        var april = await Get("wards/hai-chau-1", "2026-Q2");
        Assert.Equal(1, april.Cases.NewCases);
        Assert.Equal(1, april.Cases.Closed);
        Assert.Equal(1, Row(april.Cases.ClosedByReason, "Chuyển địa phương khác"));
    }

    [Fact]
    public async Task The_twelve_hour_emergency_rule_was_met_by_two_of_four_decided_emergencies()
    {
        var r = await Get("wards/hai-chau-1");
        var e = Clock(r, LegalClock.EmergencyMeasures);

        Assert.Equal((5L, 2L, 2L, 1L), (e.Count, e.Met, e.Late, e.Pending));
        Precise(0.5, e.ShareMet);
        Precise(9.0, e.MedianToDone); // hours: 8, 9, 14
        Assert.Equal(["cases/T-C02", "cases/T-C04"], e.LateCases.Select(l => l.Case));
        Assert.Null(e.LateCases.Single(l => l.Case == "cases/T-C04").DoneTime);
        Assert.Equal(ReportFixture.Vn(2026, 2, 17, 8), e.LateCases.Single(l => l.Case == "cases/T-C02").DueTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task A_plan_for_a_report_made_before_Tet_is_on_time_because_the_Tet_week_does_not_count()
    {
        var r = await Get("wards/hai-chau-1");
        var p = Clock(r, LegalClock.PlanDrafted);

        // C06 and C07 met (C07 reported Friday 13/2, due Friday 27/2 after the Tết week); C08 and C10 late; C09 pending.
        Assert.Equal((5L, 2L, 2L, 1L), (p.Count, p.Met, p.Late, p.Pending));
        Precise(0.5, p.ShareMet);
        Precise(3.0 + 23.0 / 24, p.MedianToDone); // working days: 3.0, 3.958, 6.0
        Assert.Equal(["cases/T-C08", "cases/T-C10"], p.LateCases.Select(l => l.Case));
    }

    [Fact]
    public async Task Plan_decisions_and_monthly_reviews_are_measured_against_their_deadlines()
    {
        var r = await Get("wards/hai-chau-1");
        var d = Clock(r, LegalClock.PlanDecided);
        var v = Clock(r, LegalClock.MonthlyReview);

        // Proposals: C01 (met), C06 returned late, C06 again (met), C07 never decided (late), C08 (met).
        Assert.Equal((5L, 3L, 2L, 0L), (d.Count, d.Met, d.Late, d.Pending));
        Precise(0.6, d.ShareMet);
        Precise(2.0, d.MedianToDone); // working days: 1, 2, 2, 9
        // Reviews due: C01 12/2 (met) and 11/3 (late), C12 20/1 (never), C13 15/2 (met); C14 left before its review.
        Assert.Equal((4L, 2L, 2L, 0L), (v.Count, v.Met, v.Late, v.Pending));
        Precise(18.0, v.MedianToDone); // working days: 17, 18, 22
        Assert.Equal(["cases/T-C12", "cases/T-C01"], v.LateCases.Select(l => l.Case));
    }

    [Fact]
    public async Task Police_figures_count_acceptance_rejection_completion_lateness_escalation_and_the_closed_loop()
    {
        var r = await Get("wards/hai-chau-1");
        var police = r.Tasks.ByAgency.Single(a => a.Agency == "agencies/hai-chau-1-police");

        Assert.Equal("Công an phường Hải Châu I", police.DisplayName);
        Assert.Equal(AgencyKind.Police, police.AgencyKind);
        Assert.Equal((20L, 14L, 3L, 12L, 0L, 0L), (police.Assigned, police.Accepted, police.Rejected, police.Completed, police.Failed, police.Cancelled));
        Assert.Equal((6L, 3L, 8L), (police.Overdue, police.Escalated, police.Reviewed));
        Assert.Equal(2, Row(police.RejectedByReason, "Không thuộc thẩm quyền"));
        Assert.Equal(1, Row(police.RejectedByReason, "Thiếu thông tin"));
        Precise(2.0 / 3, police.RejectedByReason.Rows.First().Share);
        // Days to accept: 0.25 ×8, 0.75 ×4 (over Tết), 1.0 ×2.
        Precise(0.25, police.MedianDaysToAccept);
        Precise(0.925, police.P90DaysToAccept);
        // Days to complete: 2.0 ×8, 3.0 ×4.
        Precise(2.0, police.MedianDaysToComplete);
        Precise(3.0, police.P90DaysToComplete);
        Precise(0.4, police.ClosedLoopShare);
    }

    [Fact]
    public async Task Working_day_medians_skip_the_Tet_week_for_every_kind_of_agency()
    {
        var r = await Get("wards/hai-chau-1");
        var health = r.Tasks.ByAgencyKind.Single(k => k.AgencyKind == AgencyKind.Health);
        var centre = r.Tasks.ByAgencyKind.Single(k => k.AgencyKind == AgencyKind.SocialWorkCentre);
        var justice = r.Tasks.ByAgencyKind.Single(k => k.AgencyKind == AgencyKind.Justice);

        Assert.Equal((10L, 7L, 4L, 3L, 3L, 4L, 2L), (health.Assigned, health.Accepted, health.Completed, health.Failed, health.Cancelled, health.Overdue, health.Reviewed));
        Precise(0.5, health.MedianDaysToAccept);
        Precise(1.0, health.P90DaysToAccept);
        Precise(10.0, health.MedianDaysToComplete);
        Precise(0.2, health.ClosedLoopShare);
        // The Centre: 15/1 09:00 to 23/2 09:00 is 22 working days (20 in January and early February, none in the Tết week).
        Assert.Equal((5L, 5L, 5L), (centre.Assigned, centre.Completed, centre.Reviewed));
        Precise(0.125, centre.MedianDaysToAccept);
        Precise(22.0, centre.MedianDaysToComplete);
        Precise(1.0, centre.ClosedLoopShare);
        Assert.Equal((3L, 3L, 1L, 0L), (justice.Assigned, justice.Completed, justice.Overdue, justice.Reviewed));
        Precise(9.0, justice.MedianDaysToComplete);
        Precise(15.4, justice.P90DaysToComplete);
        Assert.DoesNotContain(r.Tasks.ByAgencyKind, k => k.AgencyKind == AgencyKind.WomensUnion);

        var total = r.Tasks.Total;
        Assert.Equal((38L, 29L, 24L, 11L, 15L), (total.Assigned, total.Accepted, total.Completed, total.Overdue, total.Reviewed));
    }

    [Fact]
    public async Task City_and_cluster_figures_add_up_their_wards()
    {
        var city = await Get("city");
        var cluster = await Get("clusters/hai-chau");

        Assert.Equal(36, city.Cases.NewCases);
        Assert.Equal(29, Row(city.Cases.NewBySource, "INTAKE_SOURCE_HOTLINE_CALL"));
        Assert.Equal(28, Row(city.Cases.NewByAgeBand, "6-10"));
        Assert.Equal(36, city.Cases.OpenAtEnd);
        Assert.Equal(27, Row(city.Cases.OpenByStep, "CASE_STEP_PLAN_APPROVED"));
        var plans = Clock(city, LegalClock.PlanDrafted);
        Assert.Equal((30L, 27L, 2L, 1L), (plans.Count, plans.Met, plans.Late, plans.Pending));
        Precise(27.0 / 29, plans.ShareMet);
        Precise(2.0, plans.MedianToDone);
        var decisions = Clock(city, LegalClock.PlanDecided);
        Assert.Equal((30L, 28L, 2L), (decisions.Count, decisions.Met, decisions.Late));
        Precise(1.0, decisions.MedianToDone);
        Assert.Equal((93L, 69L, 64L, 26L, 55L), (city.Tasks.Total.Assigned, city.Tasks.Total.Accepted, city.Tasks.Total.Completed,
            city.Tasks.Total.Overdue, city.Tasks.Total.Reviewed));
        var police = city.Tasks.ByAgencyKind.Single(k => k.AgencyKind == AgencyKind.Police);
        Assert.Equal((75L, 54L, 52L), (police.Assigned, police.Accepted, police.Completed));
        Precise(48.0 / 75, police.ClosedLoopShare);

        Assert.Equal(11, cluster.Cases.NewCases);
        Assert.Equal(38 + 15, cluster.Tasks.Total.Assigned);
        Assert.Equal(11 + 15, cluster.Tasks.Total.Overdue);
    }

    [Fact]
    public async Task Conferences_count_those_held_the_cases_discussed_and_the_decisions_done_on_time()
    {
        var r = await Get("city");

        var haiChau = r.Conferences.ByCluster.Single(c => c.Cluster == "clusters/hai-chau");
        Assert.Equal((2L, 3L, 3L, 2L), (haiChau.Held, haiChau.CasesDiscussed, haiChau.Decisions, haiChau.DecisionsCompletedOnTime));
        Assert.DoesNotContain(r.Conferences.ByCluster, c => c.Cluster == "clusters/thanh-khe");
        Assert.Equal(2, r.Conferences.Total.Held);
        Assert.Null((await Get("wards/hai-chau-1")).Conferences);
    }

    [Fact]
    public async Task Every_figure_carries_its_definition()
    {
        var r = await Get("city");

        foreach (var key in new[] { "cases.new", "cases.open_by_step", "clocks.emergency_measures", "clocks.plan_drafted", "tasks.median_days_to_accept",
            "tasks.closed_loop_share", "conferences.held" })
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Definitions.Single(d => d.Key == key).Text), key);
        }
        Assert.Contains("12 giờ", r.Definitions.Single(d => d.Key == "clocks.emergency_measures").Text);
        Assert.Equal(ReportFixture.Vn(2026, 4, 1, 0), r.AsOfTime.ToDateTimeOffset());
        Assert.Equal(ReportFixture.Vn(2026, 1, 1, 0), r.StartTime.ToDateTimeOffset());
        Assert.Equal("Toàn thành phố", r.ScopeDisplayName);
    }

    [Fact]
    public async Task A_police_system_sees_only_the_statistics_of_its_own_tasks()
    {
        var r = await Get("agencies/hai-chau-1-police", actor: Police);

        Assert.Null(r.Cases);
        Assert.Empty(r.Clocks);
        Assert.Null(r.Conferences);
        Assert.Equal(20, r.Tasks.Total.Assigned);
        Assert.Equal("agencies/hai-chau-1-police", Assert.Single(r.Tasks.ByAgency).Agency);
        Assert.All(r.Definitions, d => Assert.StartsWith("tasks.", d.Key));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Get("agencies/xuan-ha-police", actor: Police));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Get("wards/hai-chau-1", actor: Police));
    }

    [Fact]
    public async Task A_ward_officer_gets_their_ward_and_is_refused_the_city_and_other_wards()
    {
        Assert.Equal(11, (await Get("wards/hai-chau-1", actor: Officer)).Cases.NewCases);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Get("city", actor: Officer));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Get("clusters/hai-chau", actor: Officer));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => Get("wards/xuan-ha", actor: Officer));
    }

    [Fact]
    public async Task Bad_scopes_and_periods_are_invalid_arguments_naming_the_field()
    {
        var e = await RpcAssert.Fails(StatusCode.InvalidArgument, () => Get("districts/hai-chau", "2026-Q5"));
        Assert.Contains("scope", e.Status.Detail);
        Assert.Contains("period.quarter", e.Status.Detail);
        await RpcAssert.Fails(StatusCode.NotFound, () => Get("wards/khong-co"));
    }
}
