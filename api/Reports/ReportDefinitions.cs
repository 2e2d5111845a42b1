using Coordination.V1;

namespace Coordination.Api.Reports;

/// <summary>
/// What each figure counts, in words a printed report can carry as footnotes (Vietnamese, then
/// English). Keys are stable: clients look definitions up by them.
/// </summary>
public static class ReportDefinitions
{
    /// <summary>All definitions, in report order.</summary>
    public static readonly IReadOnlyList<FigureDefinition> All =
    [
        D("cases.new", "Trường hợp mới tiếp nhận",
            "Số hồ sơ có thời điểm tiếp nhận tin báo trong kỳ. / Cases whose report was received in the period."),
        D("cases.new_by_source", "Theo nguồn tiếp nhận", "Trường hợp mới chia theo nguồn tin báo. / New cases by intake source."),
        D("cases.new_by_category", "Theo nhóm đối tượng",
            "Trường hợp mới theo nhóm; một hồ sơ có thể thuộc nhiều nhóm nên tổng các dòng có thể lớn hơn tổng số. / New cases by category; a case may count in several rows."),
        D("cases.new_by_sex", "Theo giới tính", "Trường hợp mới theo giới tính. / New cases by sex."),
        D("cases.new_by_age_band", "Theo độ tuổi",
            "Tuổi tròn tại ngày tiếp nhận (theo ngày sinh, nếu không có thì tuổi ước tính): 0-5, 6-10, 11-15, 16-17, từ 18. / Whole years at the report date."),
        D("cases.new_by_risk", "Theo mức độ nguy cơ", "Trường hợp mới theo mức độ nguy cơ hiện tại. / New cases by their current risk level."),
        D("cases.open_at_end", "Đang mở cuối kỳ",
            "Hồ sơ chưa đóng tại thời điểm cuối kỳ (hoặc hiện tại nếu kỳ chưa kết thúc). / Cases open at the end of the period (or now)."),
        D("cases.open_by_step", "Đang mở theo bước", "Hồ sơ đang mở cuối kỳ theo bước quản lý trường hợp lúc đó. / Open cases by the step they were at."),
        D("cases.closed", "Hồ sơ đóng trong kỳ",
            "Số lần đóng hồ sơ trong kỳ (hồ sơ mở lại rồi đóng lại được tính hai lần). / Closings in the period."),
        D("cases.closed_by_reason", "Đóng theo lý do", "Lần đóng hồ sơ trong kỳ theo lý do ghi khi đóng. / Closings by the reason given."),
        D("cases.open_over_six_months", "Mở quá 6 tháng",
            "Hồ sơ đang mở cuối kỳ có tin báo từ hơn 6 tháng trước cuối kỳ. / Open at the end and reported more than six months before it."),
        D("cases.emergency_overrides", "Chuyển khẩn cấp không có đồng ý",
            "Hồ sơ có ít nhất một lần chuyển tuyến hoặc chia sẻ hồ sơ khi chưa có sự đồng ý, do lãnh đạo UBND phường hoặc điều phối viên quyết định khẩn cấp trong kỳ. / Cases with an emergency override (a referral or sharing without consent) in the period."),
        D("cases.trend", "Xu hướng theo quý", "Trường hợp mới và lần đóng hồ sơ theo từng quý. / New cases and closings per quarter."),
        D("clocks.emergency_measures", ReportLabels.Clock(LegalClock.EmergencyMeasures),
            "Hồ sơ tiếp nhận trong kỳ đã vào bước can thiệp khẩn cấp (nguy cơ nghiêm trọng); đúng hạn khi hồ sơ rời bước khẩn cấp (biện pháp đã được ghi nhận) trong 12 giờ kể từ khi tiếp nhận tin báo (Nghị định 56/2017). Trung vị tính bằng giờ. / Emergencies among the period's cases; met when the case left the EMERGENCY step within 12 hours of the report. Median in hours."),
        D("clocks.plan_drafted", ReportLabels.Clock(LegalClock.PlanDrafted),
            "Hồ sơ tiếp nhận trong kỳ không qua bước khẩn cấp; đúng hạn khi kế hoạch hỗ trợ được đề xuất lần đầu trong 5 ngày làm việc kể từ khi tiếp nhận (không tính thứ Bảy, Chủ nhật, ngày lễ, Tết). Hồ sơ đóng trước hạn mà không cần kế hoạch không được tính. Trung vị tính bằng ngày làm việc. / Non-emergency cases of the period; met when the first plan was proposed within 5 working days of the report."),
        D("clocks.plan_decided", ReportLabels.Clock(LegalClock.PlanDecided),
            "Mỗi lần đề xuất kế hoạch trong kỳ; đúng hạn khi UBND phường quyết định (phê duyệt hoặc trả lại) trong 7 ngày làm việc. Trung vị tính bằng ngày làm việc. / Each plan proposed in the period; met when the People's Committee approved or returned it within 7 working days."),
        D("clocks.monthly_review", ReportLabels.Clock(LegalClock.MonthlyReview),
            "Các lần rà soát đến hạn trong kỳ (một tháng sau khi bắt đầu can thiệp hoặc sau lần rà soát trước); đúng hạn khi lần rà soát tiếp theo được ghi trước hạn. Hồ sơ rời bước can thiệp trước hạn không phải rà soát. Trung vị tính bằng ngày làm việc. / Reviews falling due in the period; met when recorded by the due date."),
        D("clocks.share_met", "Tỷ lệ đúng hạn",
            "Đúng hạn ÷ (đúng hạn + trễ hạn); các trường hợp chưa đến hạn không tính. / Met ÷ (met + late); pending deadlines are left out."),
        D("tasks.assigned", "Nhiệm vụ được giao",
            "Nhiệm vụ và chuyển tuyến được tạo trong kỳ; các chỉ tiêu nhiệm vụ khác tính trên nhóm này, theo tình trạng cuối kỳ. / Tasks created in the period; the other task figures count what had happened to them by the end of the period."),
        D("tasks.accepted", "Đã tiếp nhận", "Nhiệm vụ được cơ quan nhận (ACCEPTED) trước cuối kỳ. / Accepted by the end of the period."),
        D("tasks.rejected", "Từ chối", "Nhiệm vụ bị cơ quan từ chối trước cuối kỳ. / Rejected by the end of the period."),
        D("tasks.completed", "Hoàn thành", "Nhiệm vụ hoàn thành có báo cáo kết quả trước cuối kỳ. / Completed with an outcome by the end of the period."),
        D("tasks.failed", "Không thực hiện được", "Nhiệm vụ báo không thực hiện được trước cuối kỳ. / Failed by the end of the period."),
        D("tasks.cancelled", "Đã hủy", "Nhiệm vụ bị người giao hủy (hoặc chuyển cơ quan khác) trước cuối kỳ. / Cancelled or reassigned by the end of the period."),
        D("tasks.overdue", "Quá hạn",
            "Nhiệm vụ còn mở mà đã quá hạn vào cuối kỳ, hoặc hoàn thành/thất bại sau hạn. / Open past its due time at the end, or finished after it."),
        D("tasks.escalated", "Đã báo cáo cấp trên", "Nhiệm vụ đã bị chuyển cấp vì quá hạn trước cuối kỳ. / Escalated for lateness by the end of the period."),
        D("tasks.reviewed", "Khép vòng",
            "Nhiệm vụ hoàn thành và người giao đã xem xét kết quả (khép vòng chuyển tuyến). / Completed and the outcome reviewed by the requester."),
        D("tasks.median_days_to_accept", "Trung vị ngày đến khi nhận",
            "Trung vị thời gian từ khi giao đến khi nhận, tính bằng ngày làm việc (thời gian rơi vào cuối tuần, ngày lễ không tính). / Median working days from assignment to acceptance."),
        D("tasks.p90_days_to_accept", "Phân vị 90 ngày đến khi nhận", "Phân vị thứ 90 của cùng thời gian. / 90th percentile of the same."),
        D("tasks.median_days_to_complete", "Trung vị ngày đến khi hoàn thành",
            "Trung vị thời gian từ khi giao đến khi hoàn thành, tính bằng ngày làm việc. / Median working days from assignment to completion."),
        D("tasks.p90_days_to_complete", "Phân vị 90 ngày đến khi hoàn thành", "Phân vị thứ 90 của cùng thời gian. / 90th percentile of the same."),
        D("tasks.closed_loop_share", "Tỷ lệ khép vòng", "Khép vòng ÷ được giao. / Reviewed ÷ assigned."),
        D("tasks.rejected_by_reason", "Từ chối theo lý do", "Nhiệm vụ bị từ chối theo lý do cơ quan nêu. / Rejections by the reason given."),
        D("tasks.rejected_by_reason_code", "Từ chối theo mã lý do",
            "Nhiệm vụ bị từ chối theo mã lý do cơ quan chọn (không đủ năng lực, không thuộc đối tượng, ngoài địa bàn, ...). / Rejections by reason code."),
        D("tasks.failed_by_reason_code", "Không thực hiện được theo mã lý do",
            "Nhiệm vụ không thực hiện được theo mã lý do cơ quan chọn. / Failed tasks by reason code."),
        D("tasks.completed_by_outcome_code", "Hoàn thành theo mã kết quả",
            "Nhiệm vụ hoàn thành theo mã kết quả (đã cung cấp dịch vụ, một phần, chuyển nơi khác, ...). / Completed tasks by outcome code."),
        D("conferences.held", "Hội thảo ca đã tổ chức", "Hội thảo ca bắt đầu trong kỳ và đã diễn ra. / Conferences held that started in the period."),
        D("conferences.cases_discussed", "Ca được thảo luận", "Số ca được thảo luận tại các hội thảo đó. / Cases discussed at them."),
        D("conferences.decisions", "Quyết định", "Số quyết định (mỗi quyết định thành một nhiệm vụ). / Decisions made (each a task)."),
        D("conferences.decisions_completed_on_time", "Quyết định hoàn thành đúng hạn",
            "Quyết định có nhiệm vụ hoàn thành trước hạn và trước cuối kỳ. / Decisions whose task was completed by its due time."),
    ];

    private static FigureDefinition D(string key, string label, string text) => new() { Key = key, Label = label, Text = text };

    /// <summary>The label of <paramref name="key"/>.</summary>
    public static string Label(string key) => All.FirstOrDefault(d => d.Key == key)?.Label ?? key;
}
