using Coordination.Api.Reports;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.V1;
using CaseStep = Coordination.Silo.Cases.CaseStep;
using TimelineEntry = Coordination.Silo.Cases.TimelineEntry;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.UnitTests;

public sealed class ReportLogicTests
{
    private static readonly WorkingCalendar Calendar = new(Enumerable.Range(2025, 3).SelectMany(VietnamHolidays.DaysOff));
    private static DateTimeOffset Vn(int y, int m, int d, int h) => new DateTimeOffset(y, m, d, h, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime();

    [Fact]
    public void A_quarter_runs_from_midnight_in_Vietnam_to_midnight_after_its_last_day()
    {
        var q = ReportPeriods.Resolve(new ReportPeriod { Quarter = "2026-q4" }, "period");

        Assert.Equal(Vn(2026, 10, 1, 0), q.Start);
        Assert.Equal(Vn(2027, 1, 1, 0), q.End);
        Assert.Equal("2026-Q4", q.Label);
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 17, 0, 0, TimeSpan.Zero), q.Start);
    }

    [Fact]
    public void Two_dates_include_both_days_and_a_year_is_twelve_months()
    {
        var dates = ReportPeriods.Resolve(new ReportPeriod
        {
            Dates = new DateRange { StartDate = new CalendarDate { Year = 2026, Month = 2, Day = 13 }, EndDate = new CalendarDate { Year = 2026, Month = 2, Day = 23 } },
        }, "period");
        Assert.Equal((Vn(2026, 2, 13, 0), Vn(2026, 2, 24, 0), "13/02/2026–23/02/2026"), (dates.Start, dates.End, dates.Label));
        var year = ReportPeriods.Resolve(new ReportPeriod { Year = 2026 }, "period");
        Assert.Equal((Vn(2026, 1, 1, 0), Vn(2027, 1, 1, 0)), (year.Start, year.End));
    }

    [Theory]
    [InlineData("2026-Q5")]
    [InlineData("Q4-2026")]
    [InlineData("")]
    public void A_badly_written_quarter_is_refused_naming_the_field(string quarter)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => ReportPeriods.Resolve(new ReportPeriod { Quarter = quarter }, "period"));
        Assert.Equal("period.quarter", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void The_trend_covers_the_quarters_up_to_the_one_the_period_ends_in()
    {
        var trend = ReportPeriods.TrendQuarters(ReportPeriods.Resolve(new ReportPeriod { Year = 2026 }, "p"), 4);
        Assert.Equal(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"], trend.Select(q => q.Label));
        Assert.Equal(["2025-Q4", "2026-Q1"], ReportPeriods.TrendQuarters(ReportPeriods.Quarter(2026, 1), 2).Select(q => q.Label));
    }

    [Fact]
    public void Working_time_skips_weekends_and_the_Tet_week()
    {
        // Friday 13/2/2026 15:00 to Monday 23/2 09:00: 9 hours on Friday, nothing over Tết (16–20/2), 9 hours on Monday.
        Assert.Equal(0.75, WorkingTime.Days(Calendar, Vn(2026, 2, 13, 15), Vn(2026, 2, 23, 9)), 6);
        Assert.Equal(10.0, WorkingTime.Days(Calendar, Vn(2026, 1, 12, 9), Vn(2026, 1, 26, 9)), 6);
        Assert.Equal(0, WorkingTime.Days(Calendar, Vn(2026, 2, 16, 9), Vn(2026, 2, 20, 17)), 6);
    }

    [Fact]
    public void Percentiles_interpolate_as_PostgreSQL_percentile_cont_does()
    {
        Assert.Equal(0.925, ReportBuilder.Percentile([.. Enumerable.Repeat(0.25, 8), .. Enumerable.Repeat(0.75, 4), 1.0, 1.0], 0.9)!.Value, 6);
        Assert.Equal(2.0, ReportBuilder.Percentile([1, 2, 2, 9], 0.5)!.Value, 6);
        Assert.Null(ReportBuilder.Percentile([], 0.5));
    }

    private static TimelineEntry Entry(int seq, DateTimeOffset t, string action, string detail = "", CaseStep step = CaseStep.Unspecified) =>
        new(seq, t, Actor.Platform, "", action, detail, "", step);

    [Fact]
    public void Timelines_written_before_steps_were_recorded_are_replayed_from_their_actions()
    {
        var t = Vn(2026, 1, 5, 9);
        var timeline = new[]
        {
            Entry(1, t, "CASE_OPENED"),
            Entry(2, t.AddHours(1), "INITIAL_ASSESSMENT_RECORDED", "Risk Serious; step Emergency"),
            Entry(3, t.AddHours(5), "NOTE_ADDED", "ghi chú"),
            Entry(4, t.AddHours(9), "DETAILED_ASSESSMENT_RECORDED", "Risk Serious"),
            Entry(5, t.AddDays(2), "PLAN_PROPOSED", "2 items"),
            Entry(6, t.AddDays(4), "PLAN_APPROVED"),
            Entry(7, t.AddDays(7), "INTERVENTION_STARTED"),
            Entry(8, t.AddDays(37), "REVIEW_RECORDED", "Monitor: ổn định"),
            Entry(9, t.AddDays(60), "CASE_CLOSED", "Mục tiêu đã đạt"),
        };

        var steps = CaseHistory.StepsOf(timeline);

        Assert.Equal([CaseStep.Received, CaseStep.Emergency, CaseStep.Emergency, CaseStep.Planning, CaseStep.Planning, CaseStep.PlanApproved,
            CaseStep.InIntervention, CaseStep.Monitoring, CaseStep.Closed], steps);
        var stays = CaseHistory.StaysOf(t.AddDays(-1), timeline, steps);
        Assert.Equal([CaseStep.Received, CaseStep.Emergency, CaseStep.Planning, CaseStep.PlanApproved, CaseStep.InIntervention, CaseStep.Monitoring],
            stays.Select(s => s.Step));
        Assert.Equal(t.AddDays(-1), stays[0].EnteredAt); // open from its report, entered a day later
        Assert.Equal(t.AddDays(60), stays[^1].LeftAt);
    }

    [Fact]
    public void A_recorded_step_wins_over_the_replay()
    {
        var t = Vn(2026, 1, 5, 9);
        var steps = CaseHistory.StepsOf([Entry(1, t, "CASE_OPENED", step: CaseStep.Received), Entry(2, t, "INITIAL_ASSESSMENT_RECORDED", "", CaseStep.Planning)]);
        Assert.Equal([CaseStep.Received, CaseStep.Planning], steps);
        Assert.Null(CaseHistory.StaysOf(t, [Entry(1, t, "CASE_OPENED", step: CaseStep.Received)], [CaseStep.Received])[0].LeftAt);
    }

    private static ImportRow Row(int line, string type, string id, string name, string parent = "", string kind = "") =>
        new(line, type, id, name, parent, kind, "", "", "", "", "", "");

    [Fact]
    public void A_directory_import_with_any_bad_line_plans_nothing_and_names_every_line()
    {
        var plan = DirectoryImport.Plan(
        [
            Row(2, "cluster", "cam-le", "Cụm Cẩm Lệ"),
            Row(3, "ward", "hoa-xuan", "Phường Hòa Xuân", "khong-co"),
            Row(4, "agency", "hoa-xuan-police", "Công an", "hoa-xuan", "CANH_SAT"),
            Row(5, "person", "users/a", "A", "hoa-xuan", "WARD_VICE_CHAIR"),
            Row(6, "person", "users/b", "B", "hoa-xuan", "WARD_VICE_CHAIR"),
            Row(7, "cluster", "cam-le", "Cụm Cẩm Lệ lần hai"),
            Row(8, "ward", "Hoa Xuan!", ""),
        ], _ => null, _ => null, _ => null);

        Assert.Empty(plan.Changes);
        Assert.Equal([3, 4, 6, 7, 8, 8, 8], plan.Errors.Select(e => e.Line).Order());
        Assert.Contains(plan.Errors, e => e.Line == 3 && e.Field == "parent");
        Assert.Contains(plan.Errors, e => e.Line == 4 && e.Field == "kind");
        Assert.Contains(plan.Errors, e => e.Line == 6 && e.Message.Contains("line 5"));
    }

    [Fact]
    public void Importing_what_the_directory_already_holds_changes_nothing()
    {
        var rows = new[] { Row(2, "cluster", "cam-le", "Cụm Cẩm Lệ"), Row(3, "ward", "hoa-xuan", "Phường Hòa Xuân", "cam-le"), Row(4, "person", "users/x", "Xuân", "hoa-xuan", "WARD_OFFICER") };
        var first = DirectoryImport.Plan(rows, _ => null, _ => null, _ => null);
        Assert.Equal(["clusters/cam-le", "wards/hoa-xuan"], first.Changes.Select(c => c.Resource).Order());
        Assert.All(first.Changes, c => Assert.Equal("CREATE", c.Action));
        var now = DateTimeOffset.UnixEpoch;
        var clusters = first.Clusters.ToDictionary(c => c.Key, c => new ClusterRecord(c.Key, c.Value, 1, now, now));
        var wards = first.Wards.ToDictionary(w => w.Key, w => new WardRecord(w.Key, w.Value, 1, now, now));

        var second = DirectoryImport.Plan(rows, clusters.GetValueOrDefault, wards.GetValueOrDefault, _ => null);

        Assert.Empty(second.Changes);
        Assert.Equal(2, second.Unchanged);
        Assert.Equal("x", wards["hoa-xuan"].Profile.ChildProtectionOfficers.Single().UserId);
        Assert.Equal("Phường Hòa Xuân", DirectoryImport.Clean("Phường Hòa Xuân".Normalize(System.Text.NormalizationForm.FormD)));
    }

    [Theory]
    [InlineData("=1+1", true)]
    [InlineData("+84905", true)]
    [InlineData("-5", true)]
    [InlineData("@SUM(A1)", true)]
    [InlineData("\tx", true)]
    [InlineData("\rx", true)]
    [InlineData("Nguyễn Thị Hằng", false)]
    [InlineData("", false)]
    public void Text_that_a_spreadsheet_would_run_is_recognised(string text, bool formula) => Assert.Equal(formula, ReportFiles.LooksLikeFormula(text));
}
