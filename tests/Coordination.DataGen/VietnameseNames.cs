using System.Text;

namespace Coordination.DataGen;

/// <summary>
/// Realistic Vietnamese full names (NFC): family names weighted roughly by their share of the
/// population (Nguyễn about 38 %, Trần 11 %, Lê 9.5 % …), a middle name by sex, one or two given
/// names. Fictitious people; any match with a real person is chance.
/// </summary>
public static class VietnameseNames
{
    private static readonly (string Name, double Weight)[] Families =
    [
        ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.1), ("Huỳnh", 2.1), ("Phan", 4.5),
        ("Vũ", 2.0), ("Võ", 2.0), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0),
        ("Lý", 0.5), ("Đinh", 0.6), ("Trương", 0.6), ("Mai", 0.4), ("Đoàn", 0.4), ("Lương", 0.3), ("Tô", 0.2),
        ("Lâm", 0.3), ("Châu", 0.2), ("Cao", 0.3), ("Hà", 0.3), ("Trịnh", 0.3), ("Tạ", 0.2), ("Thái", 0.2), ("Quách", 0.1),
        ("Kiều", 0.1), ("Phùng", 0.2), ("Lưu", 0.2), ("La", 0.1), ("Âu", 0.05), ("Khúc", 0.05), ("Doãn", 0.05), ("Triệu", 0.1),
    ];

    private static readonly string[] FemaleMiddle = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Bảo", "Khánh", "Mỹ", "Kim", "Hoài", "Phương", "Gia"];
    private static readonly string[] MaleMiddle = ["Văn", "Văn", "Minh", "Đức", "Quang", "Hữu", "Thanh", "Gia", "Bảo", "Hoàng", "Anh", "Công", "Tuấn", "Nhật"];
    private static readonly string[] FemaleGiven =
    [
        "Hằng", "Lan", "Hương", "Mai", "Linh", "Ngọc", "Trang", "Thảo", "Hà", "Anh", "Vy", "Nhi", "Yến", "Hạnh", "Hoa", "Thư",
        "Quỳnh", "Trâm", "Diệu", "Oanh", "Nhung", "Duyên", "Ánh", "Giang", "Loan", "Ngân", "Phương", "Tâm", "Uyên", "Xuân",
        "My", "Châu", "Khuê", "Diệp", "Hiền", "Thùy", "Nga", "Như", "Tuyết", "Ly",
    ];
    private static readonly string[] MaleGiven =
    [
        "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Khoa", "Long", "Minh", "Nam", "Phúc", "Quân",
        "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Lộc", "Đạt", "Hiếu", "Kiên", "Nghĩa",
        "Phong", "Quang", "Thịnh", "Tín", "Trí", "Vũ", "Bảo", "Khang", "Nhân", "Duy", "Hoàng",
    ];
    private static readonly string[] Streets =
    [
        "Trần Phú", "Lê Duẩn", "Hùng Vương", "Nguyễn Văn Linh", "Điện Biên Phủ", "Ngô Quyền", "Hoàng Diệu", "Ông Ích Khiêm",
        "Phan Châu Trinh", "Nguyễn Chí Thanh", "Lý Thường Kiệt", "Hàm Nghi", "Trưng Nữ Vương", "Núi Thành", "Tôn Đức Thắng",
    ];

    private static readonly double TotalWeight = Families.Sum(f => f.Weight);

    /// <summary>A full name for a person of the given sex (female when <paramref name="female"/>), NFC.</summary>
    public static string FullName(Random r, bool female)
    {
        var family = Family(r);
        var middle = female ? FemaleMiddle[r.Next(FemaleMiddle.Length)] : MaleMiddle[r.Next(MaleMiddle.Length)];
        var given = female ? FemaleGiven : MaleGiven;
        var name = r.NextDouble() < 0.3
            ? $"{family} {middle} {given[r.Next(given.Length)]} {given[r.Next(given.Length)]}"
            : $"{family} {middle} {given[r.Next(given.Length)]}";
        return name.Normalize(NormalizationForm.FormC);
    }

    /// <summary>A family name, weighted by how common it is.</summary>
    public static string Family(Random r)
    {
        var x = r.NextDouble() * TotalWeight;
        foreach (var (name, weight) in Families)
        {
            x -= weight;
            if (x < 0)
            {
                return name;
            }
        }
        return Families[0].Name;
    }

    /// <summary>A street address in the ward, NFC.</summary>
    public static string Address(Random r, string wardName) =>
        $"Tổ {r.Next(1, 60)}, số {r.Next(1, 400)} {Streets[r.Next(Streets.Length)]}, {wardName}, Đà Nẵng".Normalize(NormalizationForm.FormC);

    /// <summary>A Vietnamese mobile number.</summary>
    public static string Phone(Random r) => $"09{r.Next(0, 100_000_000):D8}";
}
