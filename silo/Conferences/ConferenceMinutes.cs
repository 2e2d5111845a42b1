using System.Globalization;
using System.Text;
using Coordination.Silo.Calendar;

namespace Coordination.Silo.Conferences;

/// <summary>The minutes of a conference as a printable Markdown document (Vietnamese with English).</summary>
public static class ConferenceMinutes
{
    /// <summary>Renders the minutes of <paramref name="r"/>; <paramref name="clusterName"/> is the cluster's display name.</summary>
    public static string Markdown(ConferenceRecord r, string clusterName)
    {
        var b = new StringBuilder();
        b.Append("# Biên bản hội thảo ca / Case conference minutes\n\n");
        b.Append("**").Append(Inline(r.Title)).Append("**\n\n");
        b.Append("- Cụm / Cluster: ").Append(Inline(clusterName.Length > 0 ? clusterName : r.ClusterId)).Append('\n');
        b.Append("- Quý / Quarter: ").Append(r.Quarter).Append('\n');
        b.Append("- Loại / Kind: ").Append(r.Kind == ConferenceKind.Extraordinary ? "Bất thường / Extraordinary" : "Định kỳ hàng quý / Regular quarterly").Append('\n');
        b.Append("- Thời gian / Time: ").Append(WorkingCalendar.FormatLocal(r.StartTime)).Append(" (giờ Việt Nam / Vietnam time)\n");
        b.Append("- Địa điểm / Location: ").Append(Inline(r.Location)).Append('\n');
        b.Append("- Trạng thái / State: ").Append(State(r.Status)).Append('\n');
        if (r.RescheduleReason.Length > 0)
        {
            b.Append("- Lý do dời lịch / Reason for rescheduling: ").Append(Inline(r.RescheduleReason)).Append('\n');
        }

        b.Append("\n## Thành phần tham dự / Attendance\n\n");
        if (r.Attendance.Length == 0)
        {
            b.Append("_Chưa ghi nhận / Not recorded._\n");
        }
        else
        {
            b.Append("| Họ tên / Name | Đơn vị / Organisation | Vai trò / Role | Có mặt / Present |\n|---|---|---|---|\n");
            foreach (var a in r.Attendance)
            {
                b.Append("| ").Append(Cell(a.DisplayName)).Append(" | ").Append(Cell(a.Organization)).Append(" | ").Append(Cell(a.Role))
                    .Append(" | ").Append(a.Present ? "Có / Yes" : "Vắng / Absent").Append(" |\n");
            }
        }

        b.Append("\n## Chương trình / Agenda\n\n");
        if (r.Agenda.Length == 0)
        {
            b.Append("_Chưa có chương trình / No agenda yet._\n");
        }
        for (var i = 0; i < r.Agenda.Length; i++)
        {
            var item = r.Agenda[i];
            b.Append(CultureInfo.InvariantCulture, $"{i + 1}. cases/{item.CaseId} (wards/{item.WardId}) — Lý do / Reasons: ")
                .Append(string.Join(", ", item.Reasons.Select(Reason))).Append("  \n   ").Append(Inline(item.Summary)).Append('\n');
        }

        b.Append("\n## Thảo luận và quyết định / Discussion and decisions\n");
        if (r.Discussions.Length == 0)
        {
            b.Append("\n_Chưa ghi nhận / Not recorded._\n");
        }
        foreach (var d in r.Discussions)
        {
            b.Append("\n### cases/").Append(d.CaseId).Append("\n\n");
            b.Append("**Ý kiến chuyên môn của các ngành / Guidance from departments**\n\n");
            if (d.Guidance.Length == 0)
            {
                b.Append("- _Không có / None_\n");
            }
            foreach (var g in d.Guidance)
            {
                b.Append("- agencies/").Append(g.DepartmentAgencyId).Append(": ").Append(Inline(g.Text)).Append('\n');
            }
            b.Append("\n**Đề xuất của Trung tâm / Centre's proposal**\n\n")
                .Append(d.CentreProposal.Length > 0 ? Inline(d.CentreProposal) : "_Không có / None_").Append('\n');
            b.Append("\n**Quyết định / Decisions**\n\n");
            if (d.Decisions.Length == 0)
            {
                b.Append("_Không có / None_\n");
                continue;
            }
            b.Append("| Nội dung / Decision | Cơ quan thực hiện / Assignee | Hạn / Due | Nhiệm vụ / Task |\n|---|---|---|---|\n");
            foreach (var x in d.Decisions)
            {
                b.Append("| ").Append(Cell(x.Text)).Append(" | agencies/").Append(x.AssigneeAgencyId).Append(" | ").Append(WorkingCalendar.FormatLocal(x.DueTime))
                    .Append(" | tasks/").Append(x.TaskId).Append(" |\n");
            }
        }
        return b.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Vietnamese and English label of an agenda reason.</summary>
    public static string Reason(AgendaReason reason) => reason switch
    {
        AgendaReason.Flagged => "Được đề xuất đưa ra hội thảo / Flagged for the conference",
        AgendaReason.OverdueTasks => "Có nhiệm vụ quá hạn / Overdue tasks",
        AgendaReason.OpenOver6Months => "Mở quá 6 tháng / Open over 6 months",
        AgendaReason.EmergencyThisQuarter => "Khẩn cấp trong quý / Emergency this quarter",
        _ => "—",
    };

    private static string State(ConferenceStatus s) => s switch
    {
        ConferenceStatus.Scheduled => "Đã lên lịch / Scheduled",
        ConferenceStatus.Prepared => "Đã có chương trình / Prepared",
        ConferenceStatus.Held => "Đã họp / Held",
        _ => "—",
    };

    /// <summary>Text on one line (line breaks would break the list or table it sits in).</summary>
    private static string Inline(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);
}
