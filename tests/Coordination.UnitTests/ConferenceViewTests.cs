using Coordination.Silo.Cases;
using Coordination.Silo.Common;
using Coordination.Silo.Conferences;

namespace Coordination.UnitTests;

/// <summary>Need to know in a conference's content (issue 13): the pure projection and the minutes built from it.</summary>
public sealed class ConferenceViewTests
{
    private const string Reason = "Cha dượng đe doạ người báo tin";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private static ConferenceRecord Conference()
    {
        var candidate = new AgendaCandidate("tt-1", "thach-thang", CaseStep.Planning, RiskLevel.High, true, Reason, Now.AddMonths(-2), 1, null);
        var agenda = new[]
        {
            new AgendaItem("tt-1", "thach-thang", [AgendaReason.Flagged], AgendaRules.Summary(candidate, Now), 1),
            new AgendaItem("hc-1", "hai-chau-1", [AgendaReason.OverdueTasks], "Bước / step: Planning; rủi ro / risk: Low", 2),
        };
        var recorder = new Actor("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
        var discussions = new[]
        {
            new CaseDiscussion("tt-1", [new Guidance("thach-thang-health", "Khám lại")], "Theo dõi sát",
                [new Decision("Trạm y tế khám lại", "thach-thang-health", Now.AddDays(7), "t-9")], recorder, Now),
        };
        var attendance = new[]
        {
            new Attendee("agencies/thach-thang-health", "Bác sĩ Hoa", "Trạm y tế", "Y tế", true),
            new Attendee("users/thach-thang-vice-chair", "Lê Quang Vinh", "UBND", "Phó Chủ tịch", true),
        };
        return new ConferenceRecord("2026-q4-x1", "hai-chau", "2026-q4", ConferenceKind.Extraordinary, ConferenceStatus.Prepared, "Hội thảo",
            Now.AddDays(10), Now.AddDays(9), "UBND phường", agenda, Now, attendance, discussions, "", recorder, 3, Now, Now);
    }

    [Fact]
    public void The_summary_keeps_the_flag_reason_and_the_outline_keeps_only_the_step()
    {
        var full = Conference().Agenda[0].Summary;
        Assert.Contains(Reason, full);
        Assert.Equal("Bước / step: Planning", ConferenceView.StepOnly(full));
        Assert.Equal("", ConferenceView.StepOnly("free text that is not ours"));
    }

    [Fact]
    public void A_ward_of_the_cluster_sees_other_wards_cases_in_outline_without_free_text_or_names()
    {
        var sight = new Dictionary<string, CaseSight> { ["tt-1"] = CaseSight.Outline, ["hc-1"] = CaseSight.Full };
        var seen = ConferenceView.Project(Conference(), sight, null);
        var minutes = ConferenceMinutes.Markdown(seen, "Cụm Hải Châu");

        Assert.Equal("Bước / step: Planning", seen.Agenda[0].Summary);
        Assert.Equal("Bước / step: Planning; rủi ro / risk: Low", seen.Agenda[1].Summary);
        var d = Assert.Single(seen.Discussions);
        Assert.Empty(d.Guidance);
        Assert.Empty(d.Decisions);
        Assert.Equal("", d.CentreProposal);
        Assert.Equal("", d.RecordedBy.DisplayName);
        Assert.Equal(2, seen.Attendance.Length);
        Assert.Contains("cases/tt-1", minutes);
        Assert.DoesNotContain(Reason, minutes);
        Assert.DoesNotContain("Trạm y tế khám lại", minutes);
        Assert.DoesNotContain("Theo dõi sát", minutes);
    }

    [Fact]
    public void An_agency_sees_only_its_cases_and_its_own_attendance_row()
    {
        var withTask = ConferenceView.Project(Conference(), new Dictionary<string, CaseSight> { ["tt-1"] = CaseSight.Full }, "agencies/thach-thang-health");
        var without = ConferenceView.Project(Conference(), new Dictionary<string, CaseSight>(), "agencies/hai-chau-1-police");

        Assert.Contains(Reason, Assert.Single(withTask.Agenda).Summary);
        Assert.Equal("Trạm y tế khám lại", Assert.Single(Assert.Single(withTask.Discussions).Decisions).Text);
        Assert.Equal("agencies/thach-thang-health", Assert.Single(withTask.Attendance).Participant);
        Assert.Empty(without.Agenda);
        Assert.Empty(without.Discussions);
        Assert.Empty(without.Attendance);
        var minutes = ConferenceMinutes.Markdown(without, "Cụm Hải Châu");
        Assert.DoesNotContain("tt-1", minutes);
        Assert.DoesNotContain(Reason, minutes);
        Assert.DoesNotContain("Lê Quang Vinh", minutes);
        Assert.Contains("UBND phường", minutes);
    }
}
