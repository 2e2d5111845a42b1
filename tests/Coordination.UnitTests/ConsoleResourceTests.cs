using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Coordination.V1;

namespace Coordination.UnitTests;

/// <summary>
/// The console's text lives in resource files: every key the pages use exists in Vietnamese and in
/// English, every enum value the pages name has its words, and the Vietnamese is in Unicode NFC.
/// </summary>
public sealed partial class ConsoleResourceTests
{
    private static readonly string Console = Path.Combine(Root(), "clients", "Coordination.Console");
    private static readonly Dictionary<string, string> Vietnamese = Read("Strings.resx");
    private static readonly Dictionary<string, string> English = Read("Strings.en.resx");

    [Fact]
    public void Both_languages_have_the_same_keys()
    {
        Assert.Empty(Vietnamese.Keys.Except(English.Keys));
        Assert.Empty(English.Keys.Except(Vietnamese.Keys));
    }

    [Fact]
    public void Every_key_a_page_uses_has_its_text()
    {
        var used = Directory.EnumerateFiles(Console, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => UsedKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => !k.EndsWith('.'))
            .Distinct()
            .ToList();
        Assert.True(used.Count > 200, $"only {used.Count} keys found: is the pattern still right?");
        var missing = used.Where(k => !Vietnamese.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData(typeof(CaseStep))]
    [InlineData(typeof(RiskLevel))]
    [InlineData(typeof(CaseCategory))]
    [InlineData(typeof(IntakeSource))]
    [InlineData(typeof(Sex))]
    [InlineData(typeof(Coordination.V1.TaskStatus))]
    [InlineData(typeof(TaskKind))]
    [InlineData(typeof(TaskPriority))]
    [InlineData(typeof(AgencyKind))]
    [InlineData(typeof(PlanStatus))]
    [InlineData(typeof(ReviewDecision))]
    [InlineData(typeof(InboxEventType))]
    [InlineData(typeof(ConferenceKind))]
    [InlineData(typeof(ConferenceState))]
    [InlineData(typeof(AgendaReason))]
    [InlineData(typeof(StaffRole))]
    [InlineData(typeof(ConsentGiverKind))]
    [InlineData(typeof(ConsentDataScope))]
    [InlineData(typeof(ConsentState))]
    public void Every_value_of_an_enum_the_pages_show_has_words(Type enumType)
    {
        var missing = Enum.GetNames(enumType).Select(n => $"{enumType.Name}.{n}").Where(k => !Vietnamese.ContainsKey(k)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Vietnamese_text_is_in_unicode_NFC_and_has_diacritics()
    {
        Assert.All(Vietnamese, p => Assert.True(p.Value.IsNormalized(NormalizationForm.FormC), p.Key));
        Assert.Equal("Đăng xuất", Vietnamese["Nav.SignOut"]);
        Assert.Equal("Sign out", English["Nav.SignOut"]);
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Console, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CoordinationPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex("L\\[\"([A-Za-z0-9_.]+)\"")]
    private static partial Regex UsedKey();
}
