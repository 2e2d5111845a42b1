using System.Text;
using Coordination.Api.Scheduling;
using Coordination.Silo.Calendar;
using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Conferences;
using Microsoft.Extensions.Time.Testing;

namespace Coordination.UnitTests;

public sealed class ConferenceLogicTests
{
    private static readonly TimeSpan Vn = TimeSpan.FromHours(7);

    private static DateTimeOffset Hanoi(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, Vn);

    private static readonly WorkingCalendar Calendar = new(Enumerable.Range(2025, 4).SelectMany(VietnamHolidays.DaysOff));

    [Theory]
    [InlineData("2026-11-25T09:00:00+07:00", "2027-01-12T08:00:00+07:00")]
    [InlineData("2027-01-12T07:59:59+07:00", "2027-01-12T08:00:00+07:00")]
    [InlineData("2027-01-12T08:00:00+07:00", "2027-04-13T08:00:00+07:00")]
    [InlineData("2027-05-01T00:00:00+07:00", "2027-07-13T08:00:00+07:00")]
    [InlineData("2027-07-13T09:00:00+07:00", "2027-10-12T08:00:00+07:00")]
    public void The_default_schedule_is_the_second_tuesday_of_each_quarters_first_month_at_eight_in_vietnam(string after, string expected)
    {
        var next = ConferenceSchedule.NextOccurrence(new ConferenceOptions().Cron, DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public void The_schedule_is_read_in_vietnam_time_not_utc()
    {
        // 2027-01-12 00:30 UTC is 07:30 in Vietnam: the conference at 08:00 local (01:00 UTC) is still ahead.
        var next = ConferenceSchedule.NextOccurrence(new ConferenceOptions().Cron, new DateTimeOffset(2027, 1, 12, 0, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2027, 1, 12, 1, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void A_cluster_can_have_its_own_schedule_and_place()
    {
        var options = new ConferenceOptions
        {
            Clusters = { ["son-tra"] = new ClusterConferenceOptions { Cron = "0 30 14 ? 2,5,8,11 WED#3", Location = "UBND phường An Hải Bắc" } },
        };

        var sonTra = ConferenceSchedule.Next(options, "son-tra", "Cụm Sơn Trà", Hanoi(2026, 11, 25, 9))!;
        var haiChau = ConferenceSchedule.Next(options, "hai-chau", "Cụm Hải Châu", Hanoi(2026, 11, 25, 9))!;

        // Third Wednesday of February 2027 at 14:30; the quarter of a February meeting is Q1.
        Assert.Equal(Hanoi(2027, 2, 17, 14, 30), sonTra.StartTime);
        Assert.Equal("2027-q1", sonTra.ConferenceId);
        Assert.Equal("UBND phường An Hải Bắc", sonTra.Location);
        Assert.Equal("Hội thảo ca quý 1/2027 — Cụm Sơn Trà", sonTra.Title);
        Assert.Equal(Hanoi(2027, 1, 12, 8), haiChau.StartTime);
        Assert.Equal(options.Location, haiChau.Location);
    }

    [Theory]
    [InlineData("0 0 8 ? 1,4,7,10 TUE#2", true)]
    [InlineData("0 0 8 ? 1,4,7,10 TUE#6", false)]
    [InlineData("second tuesday", false)]
    public void Only_quartz_cron_expressions_are_accepted(string cron, bool valid) =>
        Assert.Equal(valid, ConferenceSchedule.IsValid(cron));

    [Fact]
    public void The_planned_occurrence_stays_the_same_until_it_has_started_then_moves_to_the_next_quarter()
    {
        var clock = new FakeTimeProvider(Hanoi(2026, 11, 25, 9));
        var options = new ConferenceOptions();
        var first = ConferenceSchedule.Next(options, "hai-chau", "Cụm Hải Châu", clock.GetUtcNow())!;

        clock.Advance(TimeSpan.FromDays(30));
        var stillFirst = ConferenceSchedule.Next(options, "hai-chau", "Cụm Hải Châu", clock.GetUtcNow())!;
        clock.SetUtcNow(first.StartTime.AddMinutes(1));
        var second = ConferenceSchedule.Next(options, "hai-chau", "Cụm Hải Châu", clock.GetUtcNow())!;

        Assert.Equal(("2027-q1", Hanoi(2027, 1, 12, 8)), (first.ConferenceId, first.StartTime));
        Assert.Equal(first, stillFirst);
        Assert.Equal(("2027-q2", Hanoi(2027, 4, 13, 8)), (second.ConferenceId, second.StartTime));
    }

    [Fact]
    public void The_agenda_is_built_ten_working_days_before_skipping_weekends_and_new_year()
    {
        // Back from Tue 12 Jan 2027 08:00: 11, 8, 7, 6, 5, 4 Jan (Fri 1 Jan is a holiday), 31, 30, 29, 28 Dec.
        Assert.Equal(Hanoi(2026, 12, 28, 8), ConferenceKeys.PreparationTime(Calendar, Hanoi(2027, 1, 12, 8), 10));
        Assert.Equal(Hanoi(2027, 1, 12, 8), ConferenceKeys.PreparationTime(Calendar, Hanoi(2027, 1, 12, 8), 0));
    }

    [Theory]
    [InlineData("2026-12-31T17:30:00+00:00", "2027-q1")]
    [InlineData("2026-12-31T16:59:59+00:00", "2026-q4")]
    [InlineData("2027-04-01T00:00:00+07:00", "2027-q2")]
    [InlineData("2027-09-30T23:59:00+07:00", "2027-q3")]
    public void A_conference_belongs_to_the_quarter_of_its_start_in_vietnam(string start, string quarter) =>
        Assert.Equal(quarter, ConferenceKeys.QuarterOf(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture)));

    private static AgendaCandidate Candidate(string id, DateTimeOffset reported, bool flagged = false, int overdue = 0,
        RiskLevel risk = RiskLevel.Medium, CaseStep step = CaseStep.InIntervention, DateTimeOffset? emergencyTask = null) =>
        new(id, "hai-chau-1", step, risk, flagged, flagged ? "Cần ý kiến liên ngành" : "", reported, overdue, emergencyTask);

    [Fact]
    public void The_agenda_holds_flagged_overdue_long_open_and_recent_emergency_cases_with_their_reasons()
    {
        var now = Hanoi(2026, 12, 28, 8);
        var agenda = AgendaRules.Build(
        [
            Candidate("A-flagged", now.AddDays(-20), flagged: true),
            Candidate("B-overdue", now.AddDays(-20), overdue: 2),
            Candidate("C-long-open", Hanoi(2026, 6, 27, 8)),
            Candidate("D-six-months-exactly", Hanoi(2026, 6, 28, 8)),
            Candidate("E-serious", Hanoi(2026, 10, 1, 8), risk: RiskLevel.Serious),
            Candidate("F-old-serious", Hanoi(2026, 9, 27, 8), risk: RiskLevel.Serious),
            Candidate("G-emergency-step", now.AddDays(-3), step: CaseStep.Emergency),
            Candidate("H-emergency-task", Hanoi(2026, 8, 1, 8), emergencyTask: now.AddDays(-10)),
            Candidate("I-closed", now.AddDays(-300), flagged: true, step: CaseStep.Closed),
            Candidate("J-nothing", now.AddDays(-5)),
        ], now);

        var reasons = agenda.ToDictionary(a => a.CaseId, a => a.Reasons);
        Assert.Equal([AgendaReason.Flagged], reasons["A-flagged"]);
        Assert.Equal([AgendaReason.OverdueTasks], reasons["B-overdue"]);
        Assert.Equal([AgendaReason.OpenOver6Months], reasons["C-long-open"]);
        Assert.Equal([AgendaReason.EmergencyThisQuarter], reasons["E-serious"]);
        Assert.Equal([AgendaReason.EmergencyThisQuarter], reasons["G-emergency-step"]);
        Assert.Equal([AgendaReason.EmergencyThisQuarter], reasons["H-emergency-task"]);
        Assert.Equal(["A-flagged", "C-long-open", "H-emergency-task", "E-serious", "B-overdue", "G-emergency-step"], agenda.Select(a => a.CaseId));
        Assert.Equal(2, agenda.Single(a => a.CaseId == "B-overdue").OverdueTaskCount);
        Assert.Contains("lý do đề xuất / flagged because: Cần ý kiến liên ngành", agenda[0].Summary);
    }

    [Fact]
    public void Flagged_cases_lead_the_agenda_then_those_with_more_reasons()
    {
        var now = Hanoi(2027, 3, 30, 8);
        var agenda = AgendaRules.Build(
        [
            Candidate("Z-three-reasons", Hanoi(2026, 1, 5, 8), overdue: 1, risk: RiskLevel.Serious, emergencyTask: now.AddDays(-1)),
            Candidate("Y-flagged-only", now.AddDays(-1), flagged: true),
        ], now);

        Assert.Equal(["Y-flagged-only", "Z-three-reasons"], agenda.Select(a => a.CaseId));
        Assert.Equal([AgendaReason.OverdueTasks, AgendaReason.OpenOver6Months, AgendaReason.EmergencyThisQuarter], agenda[1].Reasons);
    }

    private static ConferenceRecord Minuted() => new(
        "2027-q1", "hai-chau", "2027-q1", ConferenceKind.Regular, ConferenceStatus.Held, "Hội thảo ca quý 1/2027 — Cụm Hải Châu",
        Hanoi(2027, 1, 12, 8), Hanoi(2026, 12, 28, 8), "Hội trường UBND phường Hải Châu I",
        [new AgendaItem("DN-2026-000007", "hai-chau-1", [AgendaReason.Flagged, AgendaReason.OverdueTasks], "Bước / step: Planning", 1)],
        Hanoi(2026, 12, 28, 8),
        [new Attendee("users/hai-chau-1-vice-chair", "Trần Văn Bình", "UBND phường Hải Châu I", "Phó Chủ tịch", true),
         new Attendee("", "Nguyễn | Văn A", "Hội Liên hiệp Phụ nữ", "Cán bộ", false)],
        [new CaseDiscussion("DN-2026-000007",
            [new Guidance("hai-chau-1-justice", "Hướng dẫn thủ tục\ntrợ giúp pháp lý")],
            "Trung tâm hỗ trợ tâm lý hàng tuần",
            [new Decision("Xác minh an toàn của trẻ", "hai-chau-1-police", Hanoi(2027, 1, 26, 17), "T-2027-000003")],
            Actor.Platform, Hanoi(2027, 1, 12, 10))],
        "", Actor.Platform, 5, Hanoi(2026, 11, 25, 9), Hanoi(2027, 1, 12, 10));

    [Fact]
    public void The_minutes_are_a_markdown_document_with_vietnamese_and_english_headings()
    {
        var markdown = ConferenceMinutes.Markdown(Minuted(), "Cụm Hải Châu");

        Assert.StartsWith("# Biên bản hội thảo ca / Case conference minutes\n\n**Hội thảo ca quý 1/2027 — Cụm Hải Châu**\n", markdown);
        Assert.Contains("- Thời gian / Time: 12/01/2027 08:00 (giờ Việt Nam / Vietnam time)\n", markdown);
        Assert.Contains("- Loại / Kind: Định kỳ hàng quý / Regular quarterly\n", markdown);
        Assert.Contains("## Thành phần tham dự / Attendance\n", markdown);
        Assert.Contains("| Trần Văn Bình | UBND phường Hải Châu I | Phó Chủ tịch | Có / Yes |\n", markdown);
        // A pipe in a name cannot break the table.
        Assert.Contains("| Nguyễn \\| Văn A | Hội Liên hiệp Phụ nữ | Cán bộ | Vắng / Absent |\n", markdown);
        Assert.Contains("1. cases/DN-2026-000007 (wards/hai-chau-1) — Lý do / Reasons: Được đề xuất đưa ra hội thảo / Flagged for the conference, Có nhiệm vụ quá hạn / Overdue tasks", markdown);
        Assert.Contains("## Thảo luận và quyết định / Discussion and decisions\n\n### cases/DN-2026-000007\n", markdown);
        // Line breaks inside a text stay on its line.
        Assert.Contains("- agencies/hai-chau-1-justice: Hướng dẫn thủ tục trợ giúp pháp lý\n", markdown);
        Assert.Contains("**Đề xuất của Trung tâm / Centre's proposal**\n\nTrung tâm hỗ trợ tâm lý hàng tuần\n", markdown);
        Assert.Contains("| Xác minh an toàn của trẻ | agencies/hai-chau-1-police | 26/01/2027 17:00 | tasks/T-2027-000003 |\n", markdown);
    }

    [Fact]
    public void The_minutes_keep_vietnamese_text_in_nfc_whatever_form_it_came_in()
    {
        var decomposed = "Hằng".Normalize(NormalizationForm.FormD);
        var r = Minuted() with { Title = "Hội thảo ca — " + decomposed };

        var markdown = ConferenceMinutes.Markdown(r, "Cụm Hải Châu");

        Assert.True(markdown.IsNormalized(NormalizationForm.FormC));
        Assert.Contains("**Hội thảo ca — Hằng**", markdown);
    }

    [Fact]
    public void Conference_keys_split_back_into_cluster_and_conference()
    {
        Assert.Equal("hai-chau/2026-q4-x2", ConferenceKeys.Of("hai-chau", ConferenceKeys.Extraordinary("2026-q4", 2)));
        Assert.Equal(("hai-chau", "2026-q4"), ConferenceKeys.Split("hai-chau/2026-q4"));
    }
}
