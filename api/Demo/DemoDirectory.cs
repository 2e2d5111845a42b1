using Coordination.Silo.Directory;

namespace Coordination.Api.Demo;

/// <summary>
/// The demo directory, from the Da Nang Social Work Centre's pilot of "wards that do social work well
/// with children": six wards of the three central districts, grouped here as three conference
/// clusters. Ward ids are readable slugs; official GSO codes are left empty rather than guessed.
/// People are fictitious.
/// </summary>
public static class DemoDirectory
{
    /// <summary>The province of every demo ward.</summary>
    public const string Province = "Thành phố Đà Nẵng";

    /// <summary>Id of the city Social Work Centre.</summary>
    public const string SocialWorkCentreId = "danang-swc";

    /// <summary>A demo ward with its people.</summary>
    public sealed record DemoWard(string Id, string ShortName, string ClusterId, string ViceChair, string Officer);

    /// <summary>A demo person who is not attached to a ward.</summary>
    public sealed record DemoPerson(string Id, string DisplayName, StaffRole Role);

    /// <summary>Conference clusters: id → name.</summary>
    public static readonly (string Id, string DisplayName)[] Clusters =
    [
        ("hai-chau", "Cụm Hải Châu"),
        ("son-tra", "Cụm Sơn Trà"),
        ("thanh-khe", "Cụm Thanh Khê"),
    ];

    /// <summary>The six pilot wards.</summary>
    public static readonly DemoWard[] Wards =
    [
        new("hai-chau-1", "Hải Châu I", "hai-chau", "Trần Văn Bình", "Nguyễn Thị Lan"),
        new("thach-thang", "Thạch Thang", "hai-chau", "Lê Quang Vinh", "Phạm Thị Ngọc Ánh"),
        new("thanh-khe-dong", "Thanh Khê Đông", "thanh-khe", "Hoàng Văn Dũng", "Võ Thị Thu Hương"),
        new("xuan-ha", "Xuân Hà", "thanh-khe", "Đỗ Minh Tuấn", "Huỳnh Thị Mỹ Duyên"),
        new("an-hai-bac", "An Hải Bắc", "son-tra", "Ngô Đức Thắng", "Trương Thị Kim Oanh"),
        new("man-thai", "Mân Thái", "son-tra", "Bùi Văn Lộc", "Đặng Thị Hồng Nhung"),
    ];

    /// <summary>City-level people.</summary>
    public static readonly DemoPerson[] CityPeople =
    [
        new("coordinator", "Lê Thị Thu Hà", StaffRole.CentreCoordinator),
        new("case-worker", "Phan Văn Đức", StaffRole.CaseWorker),
        new("auditor", "Đặng Minh Khoa", StaffRole.Auditor),
    ];

    /// <summary>A demo liaison person of a ward department (role AGENCY_LIAISON, scope the department).</summary>
    public sealed record DemoLiaison(string Id, string DisplayName, string AgencyId);

    /// <summary>The departments that have a liaison person (every ward department but the People's Committee).</summary>
    public static readonly string[] LiaisonDepartments = ["police", "health", "justice", "womens-union", "education"];

    // Liaison names per ward, in the order of LiaisonDepartments. Fictitious.
    private static readonly Dictionary<string, string[]> LiaisonNames = new()
    {
        ["hai-chau-1"] = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Thành", "Phạm Thị Hoa", "Võ Thị Thanh Tâm"],
        ["thach-thang"] = ["Hồ Văn Khánh", "Đinh Thị Yến", "Lương Văn Phúc", "Châu Thị Bích Ngọc", "Tạ Thị Hạnh"],
        ["thanh-khe-dong"] = ["Phùng Văn Toàn", "Lâm Thị Diệu", "Mai Văn Sơn", "Kiều Thị Hương Giang", "Dương Thị Thu"],
        ["xuan-ha"] = ["Cao Văn Nam", "Trịnh Thị Loan", "Vũ Văn Quang", "Hà Thị Kim Liên", "Tô Thị Ngân"],
        ["an-hai-bac"] = ["La Văn Thịnh", "Quách Thị Nhàn", "Âu Văn Định", "Thái Thị Mỹ Lệ", "Văn Thị Hồng"],
        ["man-thai"] = ["Triệu Văn Hải", "Doãn Thị Thảo", "Khúc Văn Tài", "Lý Thị Phương", "Mạc Thị Xuân"],
    };

    /// <summary>The liaison people of a ward's departments: <c>{ward}-{department}-liaison</c>.</summary>
    public static IEnumerable<DemoLiaison> Liaisons(DemoWard w) =>
        LiaisonDepartments.Select((d, i) => new DemoLiaison($"{w.Id}-{d}-liaison", LiaisonNames[w.Id][i], $"{w.Id}-{d}"));

    /// <summary>Every demo person as (user id, display name, role, scope): the city, each ward's vice-chair and officer, the liaisons.</summary>
    public static IEnumerable<(string Id, string DisplayName, string Role, string Scope)> People() =>
        CityPeople.Select(p => (p.Id, p.DisplayName, RoleName(p.Role), "city"))
            .Concat(Wards.SelectMany(w => new[]
            {
                ($"{w.Id}-vice-chair", w.ViceChair, Silo.Common.Actor.WardViceChair, "wards/" + w.Id),
                ($"{w.Id}-officer", w.Officer, Silo.Common.Actor.WardOfficer, "wards/" + w.Id),
            }.Concat(Liaisons(w).Select(l => (l.Id, l.DisplayName, Silo.Common.Actor.AgencyLiaison, "agencies/" + l.AgencyId)))));

    private static string RoleName(StaffRole role) => role switch
    {
        StaffRole.CentreCoordinator => Silo.Common.Actor.CentreCoordinator,
        StaffRole.Auditor => Silo.Common.Actor.Auditor,
        StaffRole.CaseWorker => Silo.Common.Actor.CaseWorker,
        StaffRole.WardViceChair => Silo.Common.Actor.WardViceChair,
        StaffRole.WardOfficer => Silo.Common.Actor.WardOfficer,
        _ => Silo.Common.Actor.AgencyLiaison,
    };

    /// <summary>The profile of a ward.</summary>
    public static WardProfile Profile(DemoWard w) => new(
        "Phường " + w.ShortName,
        "",
        Province,
        w.ClusterId,
        w.Id + "-committee",
        new StaffMember(w.Id + "-vice-chair", w.ViceChair, StaffRole.WardViceChair, "", ""),
        [new StaffMember(w.Id + "-officer", w.Officer, StaffRole.WardOfficer, "", "")]);

    /// <summary>Every demo agency: city-wide ones and the six departments of each ward.</summary>
    public static IEnumerable<(string Id, AgencyProfile Profile)> Agencies()
    {
        yield return (SocialWorkCentreId, new AgencyProfile(
            "Trung tâm Công tác xã hội thành phố Đà Nẵng", AgencyKind.SocialWorkCentre, "", "Sở Y tế thành phố Đà Nẵng",
            [
                "Tư vấn qua tổng đài 18001046", "Can thiệp khẩn cấp", "Trị liệu tâm lý",
                "Can thiệp hành vi cho trẻ tự kỷ, tăng động giảm chú ý", "Chăm sóc thay thế",
                "Hỗ trợ phụ nữ đơn thân có hoàn cảnh khó khăn",
            ],
            [new Contact("Tổng đài tư vấn miễn phí", "Tổng đài viên", "18001046", "")],
            ""));
        yield return ("danang-hospital", new AgencyProfile(
            "Bệnh viện Đà Nẵng", AgencyKind.Health, "", "Sở Y tế thành phố Đà Nẵng",
            ["Khám và điều trị", "Giám định thương tích"], [], ""));
        yield return ("danang-maternity-paediatrics", new AgencyProfile(
            "Bệnh viện Phụ sản - Nhi Đà Nẵng", AgencyKind.Health, "", "Sở Y tế thành phố Đà Nẵng",
            ["Khám và điều trị cho trẻ em", "Chăm sóc sản khoa"], [], ""));
        foreach (var w in Wards)
        {
            var ward = "phường " + w.ShortName;
            yield return ($"{w.Id}-committee", Dept("Ủy ban nhân dân " + ward, AgencyKind.PeoplesCommittee, w,
                "Ủy ban nhân dân thành phố Đà Nẵng", "Chỉ đạo, phân công các bộ phận phối hợp", "Phê duyệt kế hoạch hỗ trợ"));
            yield return ($"{w.Id}-police", Dept("Công an " + ward, AgencyKind.Police, w,
                "Công an thành phố Đà Nẵng", "Bảo đảm an toàn cho trẻ em", "Xác minh, xử lý hành vi xâm hại"));
            yield return ($"{w.Id}-justice", Dept("Bộ phận Tư pháp " + ward, AgencyKind.Justice, w,
                "Ủy ban nhân dân " + ward, "Trợ giúp pháp lý", "Tư vấn pháp luật"));
            yield return ($"{w.Id}-health", Dept("Trạm Y tế " + ward, AgencyKind.Health, w,
                "Sở Y tế thành phố Đà Nẵng", "Sơ cứu, khám sức khỏe", "Chuyển tuyến y tế"));
            yield return ($"{w.Id}-womens-union", Dept("Hội Liên hiệp Phụ nữ " + ward, AgencyKind.WomensUnion, w,
                "Hội Liên hiệp Phụ nữ thành phố Đà Nẵng", "Tư vấn gia đình", "Phát hiện trẻ cần chăm sóc thay thế"));
            yield return ($"{w.Id}-education", Dept("Bộ phận Giáo dục " + ward, AgencyKind.Education, w,
                "Sở Giáo dục và Đào tạo thành phố Đà Nẵng", "Hỗ trợ trẻ đi học", "Tư vấn học đường"));
        }
    }

    private static AgencyProfile Dept(string name, AgencyKind kind, DemoWard w, string parent, params string[] services) =>
        new(name, kind, w.Id, parent, services, [], "");

    /// <summary>
    /// The service catalogue of the demo agencies: the services each one lists, with response times
    /// as the pilot wards work (police act on a report within 12 hours and on an emergency within 1;
    /// a health examination within 1 working day; counselling within 3; legal aid within 5). The
    /// People's Committees list directions, not services: they have no catalogue.
    /// </summary>
    public static IEnumerable<(string AgencyId, string ServiceId, ServiceProfile Profile)> Services()
    {
        const string Child = "Trẻ em dưới 16 tuổi cư trú trong phường";
        var swc = SocialWorkCentreId;
        yield return (swc, "tong-dai-18001046", Service("Tư vấn qua tổng đài 18001046", ServiceKind.Counselling, 1, ResponseTimeUnit.Hours,
            "Mọi trẻ em, cha mẹ, người chăm sóc; miễn phí, 24/7"));
        yield return (swc, "can-thiep-khan-cap", Service("Can thiệp khẩn cấp", ServiceKind.EmergencyProtection, 1, ResponseTimeUnit.Hours,
            "Trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại trên địa bàn thành phố"));
        yield return (swc, "tri-lieu-tam-ly", Service("Trị liệu tâm lý", ServiceKind.PsychologicalTherapy, 3, ResponseTimeUnit.WorkingDays,
            "Trẻ em và gia đình có vấn đề tâm lý, sang chấn"));
        yield return (swc, "can-thiep-hanh-vi", Service("Can thiệp hành vi cho trẻ tự kỷ, tăng động giảm chú ý", ServiceKind.PsychologicalTherapy,
            5, ResponseTimeUnit.WorkingDays, "Trẻ em từ 2 đến 16 tuổi đã có chẩn đoán", ServiceCapacity.Waitlist, "Danh sách chờ khoảng 3 tuần"));
        yield return (swc, "cham-soc-thay-the", Service("Chăm sóc thay thế", ServiceKind.AlternativeCare, 5, ResponseTimeUnit.WorkingDays,
            "Trẻ em không còn môi trường gia đình an toàn"));
        yield return (swc, "ho-tro-phu-nu-don-than", Service("Hỗ trợ phụ nữ đơn thân có hoàn cảnh khó khăn", ServiceKind.SocialAssistance,
            5, ResponseTimeUnit.WorkingDays, "Phụ nữ đơn thân nuôi con dưới 16 tuổi"));
        yield return ("danang-hospital", "kham-dieu-tri", Service("Khám và điều trị", ServiceKind.HealthCare, 1, ResponseTimeUnit.WorkingDays, ""));
        yield return ("danang-hospital", "giam-dinh-thuong-tich", Service("Giám định thương tích", ServiceKind.HealthCare, 1, ResponseTimeUnit.WorkingDays,
            "Theo trưng cầu của cơ quan công an"));
        yield return ("danang-maternity-paediatrics", "kham-dieu-tri-tre-em", Service("Khám và điều trị cho trẻ em", ServiceKind.HealthCare,
            1, ResponseTimeUnit.WorkingDays, "Trẻ em dưới 16 tuổi"));
        yield return ("danang-maternity-paediatrics", "cham-soc-san-khoa", Service("Chăm sóc sản khoa", ServiceKind.HealthCare,
            1, ResponseTimeUnit.WorkingDays, "Phụ nữ mang thai, kể cả người chưa thành niên"));
        foreach (var w in Wards)
        {
            yield return ($"{w.Id}-police", "bao-dam-an-toan", Service("Bảo đảm an toàn cho trẻ em", ServiceKind.EmergencyProtection, 1, ResponseTimeUnit.Hours, Child));
            yield return ($"{w.Id}-police", "xac-minh-xu-ly", Service("Xác minh, xử lý hành vi xâm hại", ServiceKind.Investigation, 12, ResponseTimeUnit.Hours, Child));
            yield return ($"{w.Id}-justice", "tro-giup-phap-ly", Service("Trợ giúp pháp lý", ServiceKind.LegalAid, 5, ResponseTimeUnit.WorkingDays,
                "Trẻ em và người đại diện theo pháp luật của trẻ"));
            yield return ($"{w.Id}-justice", "tu-van-phap-luat", Service("Tư vấn pháp luật", ServiceKind.LegalAid, 3, ResponseTimeUnit.WorkingDays, ""));
            yield return ($"{w.Id}-health", "so-cuu-kham-suc-khoe", Service("Sơ cứu, khám sức khỏe", ServiceKind.HealthCare, 1, ResponseTimeUnit.WorkingDays, Child));
            yield return ($"{w.Id}-health", "chuyen-tuyen-y-te", Service("Chuyển tuyến y tế", ServiceKind.HealthCare, 1, ResponseTimeUnit.WorkingDays, Child));
            yield return ($"{w.Id}-womens-union", "tu-van-gia-dinh", Service("Tư vấn gia đình", ServiceKind.Counselling, 3, ResponseTimeUnit.WorkingDays,
                "Gia đình có trẻ em cư trú trong phường"));
            yield return ($"{w.Id}-womens-union", "phat-hien-cham-soc-thay-the", Service("Phát hiện trẻ cần chăm sóc thay thế", ServiceKind.AlternativeCare,
                5, ResponseTimeUnit.WorkingDays, Child));
            yield return ($"{w.Id}-education", "ho-tro-di-hoc", Service("Hỗ trợ trẻ đi học", ServiceKind.EducationSupport, 5, ResponseTimeUnit.WorkingDays,
                "Trẻ em trong độ tuổi đi học cư trú trong phường"));
            yield return ($"{w.Id}-education", "tu-van-hoc-duong", Service("Tư vấn học đường", ServiceKind.Counselling, 3, ResponseTimeUnit.WorkingDays,
                "Học sinh các trường trên địa bàn phường"));
        }
    }

    private static ServiceProfile Service(string name, ServiceKind kind, int value, ResponseTimeUnit unit, string eligibility,
        ServiceCapacity capacity = ServiceCapacity.Open, string capacityNote = "") =>
        new(name, kind, "", eligibility, new ResponseTime(value, unit), capacity, capacityNote);
}
