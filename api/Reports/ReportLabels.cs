using Coordination.V1;

namespace Coordination.Api.Reports;

/// <summary>Vietnamese names of the values reports and exports show (enum names stay the machine keys).</summary>
public static class ReportLabels
{
    /// <summary>Intake sources.</summary>
    public static string Source(int v) => (IntakeSource)v switch
    {
        IntakeSource.HotlineCall => "Tổng đài",
        IntakeSource.CollaboratorReport => "Cộng tác viên báo tin",
        IntakeSource.WardSurvey => "Khảo sát của phường",
        IntakeSource.Referral => "Đơn vị khác chuyển đến",
        _ => "Không rõ",
    };

    /// <summary>Case categories.</summary>
    public static string Category(int v) => (CaseCategory)v switch
    {
        CaseCategory.Abandoned => "Bị bỏ rơi",
        CaseCategory.Abused => "Bị xâm hại",
        CaseCategory.Violence => "Bị bạo lực",
        CaseCategory.Neglect => "Bị sao nhãng",
        CaseCategory.Disability => "Người khuyết tật",
        CaseCategory.LandmineVictim => "Nạn nhân bom mìn",
        CaseCategory.SingleMother => "Mẹ đơn thân khó khăn",
        CaseCategory.DomesticViolence => "Bạo lực gia đình",
        CaseCategory.MentalHealth => "Sức khỏe tâm thần",
        CaseCategory.SocialProtection => "Đối tượng bảo trợ xã hội",
        _ => "Không rõ",
    };

    /// <summary>Sex.</summary>
    public static string Sex(int v) => (Coordination.V1.Sex)v switch
    {
        Coordination.V1.Sex.Female => "Nữ",
        Coordination.V1.Sex.Male => "Nam",
        _ => "Không rõ",
    };

    /// <summary>Risk levels.</summary>
    public static string Risk(int v) => (RiskLevel)v switch
    {
        RiskLevel.Low => "Thấp",
        RiskLevel.Medium => "Trung bình",
        RiskLevel.High => "Cao",
        RiskLevel.Serious => "Nghiêm trọng",
        _ => "Chưa đánh giá",
    };

    /// <summary>Case steps.</summary>
    public static string Step(int v) => (CaseStep)v switch
    {
        CaseStep.Received => "Tiếp nhận",
        CaseStep.InitialAssessment => "Đánh giá ban đầu",
        CaseStep.Emergency => "Can thiệp khẩn cấp",
        CaseStep.Planning => "Lập kế hoạch",
        CaseStep.PlanApproved => "Kế hoạch đã phê duyệt",
        CaseStep.InIntervention => "Đang can thiệp",
        CaseStep.Monitoring => "Theo dõi",
        CaseStep.Closed => "Đã đóng",
        _ => "Không rõ",
    };

    /// <summary>Plan statuses.</summary>
    public static string Plan(int v) => (PlanStatus)v switch
    {
        PlanStatus.Proposed => "Chờ phê duyệt",
        PlanStatus.Approved => "Đã phê duyệt",
        PlanStatus.Returned => "Trả lại",
        _ => "Chưa có",
    };

    /// <summary>Agency kinds.</summary>
    public static string AgencyKindName(int v) => (AgencyKind)v switch
    {
        AgencyKind.SocialWorkCentre => "Trung tâm Công tác xã hội",
        AgencyKind.PeoplesCommittee => "UBND phường/xã",
        AgencyKind.Police => "Công an",
        AgencyKind.Justice => "Tư pháp",
        AgencyKind.Health => "Y tế",
        AgencyKind.WomensUnion => "Hội Liên hiệp Phụ nữ",
        AgencyKind.Education => "Giáo dục",
        AgencyKind.YouthUnion => "Đoàn Thanh niên",
        AgencyKind.SocialAffairs => "Văn hóa – Xã hội",
        AgencyKind.Other => "Khác",
        _ => "Không rõ",
    };

    /// <summary>Legal clocks.</summary>
    public static string Clock(LegalClock c) => c switch
    {
        LegalClock.EmergencyMeasures => "Biện pháp khẩn cấp trong 12 giờ",
        LegalClock.PlanDrafted => "Lập kế hoạch trong 5 ngày làm việc",
        LegalClock.PlanDecided => "Phê duyệt kế hoạch trong 7 ngày làm việc",
        LegalClock.MonthlyReview => "Rà soát hằng tháng đúng hạn",
        _ => "",
    };

    /// <summary>Age bands in their order.</summary>
    public static readonly string[] AgeBands = ["0-5", "6-10", "11-15", "16-17", "18+", "unknown"];

    /// <summary>An age band's label.</summary>
    public static string AgeBand(string band) => band switch
    {
        "unknown" => "Không rõ tuổi",
        "18+" => "Từ 18 tuổi",
        _ => band + " tuổi",
    };
}
