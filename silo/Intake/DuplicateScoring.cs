using System.Text.RegularExpressions;
using Coordination.Silo.Common;

namespace Coordination.Silo.Intake;

/// <summary>What matched between an intake and an existing case. Numbers match the contract.</summary>
public enum DuplicateReason
{
    /// <summary>Not set.</summary>
    Unspecified = 0,
    /// <summary>The name, ignoring diacritics, case and word order (or most of its words).</summary>
    Name = 1,
    /// <summary>The birth year, within the tolerance.</summary>
    Age = 2,
    /// <summary>The same ward.</summary>
    Ward = 3,
    /// <summary>A contact phone.</summary>
    Phone = 4,
}

/// <summary>The person an intake is about, as compared (either a new intake or an existing case).</summary>
/// <param name="Name">Full name as written.</param>
/// <param name="BirthYear">Birth year, exact or estimated from an approximate age.</param>
/// <param name="BirthYearExact">Whether the birth year comes from a date of birth (or a stated birth year).</param>
/// <param name="WardId">Ward id (without "wards/").</param>
/// <param name="Phones">Normalised phone keys (<see cref="DuplicateScoring.PhoneKeys"/>).</param>
public sealed record DuplicateProbe(string Name, int? BirthYear, bool BirthYearExact, string WardId, IReadOnlyCollection<string> Phones);

/// <summary>How alike two people are.</summary>
public sealed record DuplicateScore(double Score, IReadOnlyList<DuplicateReason> Reasons)
{
    /// <summary>Whether the match is strong enough to refuse a create without acknowledgement.</summary>
    public bool Strong => Score >= DuplicateScoring.StrongThreshold - 1e-9;
}

/// <summary>
/// Scores a new intake against an existing case, so "one child is not three cases". The weights:
/// name 0.45 (scaled by how many of its words match, when not all do), age 0.20, phone 0.25,
/// ward 0.10. A match is strong at 0.65: the same name with the same age (0.65) or the same phone
/// (0.70). The same name in the same ward alone (0.55: common names recur) and a shared phone and
/// ward without the name (0.35: siblings) are shown but do not block.
/// </summary>
public static partial class DuplicateScoring
{
    /// <summary>Score from which a match is strong.</summary>
    public const double StrongThreshold = 0.65;

    /// <summary>Weight of a full name match.</summary>
    public const double NameWeight = 0.45;

    /// <summary>Weight of a birth-year match.</summary>
    public const double AgeWeight = 0.20;

    /// <summary>Weight of a phone match.</summary>
    public const double PhoneWeight = 0.25;

    /// <summary>Weight of the same ward.</summary>
    public const double WardWeight = 0.10;

    /// <summary>Years of tolerance when either birth year is estimated from an approximate age.</summary>
    public const int ApproximateYears = 2;

    /// <summary>Share of words two names must have in common to count as a (partial) name match.</summary>
    public const double PartialNameShare = 0.6;

    /// <summary>
    /// The order-free key of a name: folded (no diacritics, lower case, đ → d) words sorted, so
    /// "Nguyễn Thị Hằng", "Hang Nguyen Thi" and "nguyen  thi hang" share "hang nguyen thi".
    /// </summary>
    public static string NameKey(string name) => string.Join(' ', Words(name).Order(StringComparer.Ordinal));

    /// <summary>The folded words of a name.</summary>
    public static string[] Words(string name) =>
        SearchText.Fold(PunctuationPattern().Replace(name, " ")).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>How alike two names are, 0–1: 1 for the same words in any order, else the share of words in common.</summary>
    public static double NameSimilarity(string a, string b)
    {
        var x = Words(a);
        var y = Words(b);
        if (x.Length == 0 || y.Length == 0)
        {
            return 0;
        }
        if (NameKey(a) == NameKey(b))
        {
            return 1;
        }
        var left = new HashSet<string>(x, StringComparer.Ordinal);
        var right = new HashSet<string>(y, StringComparer.Ordinal);
        var common = left.Intersect(right).Count();
        return (double)common / left.Union(right).Count();
    }

    /// <summary>
    /// The phone numbers in <paramref name="texts"/> as keys: digits only, the country code +84/84
    /// written as the trunk 0, so "+84 905 123 456", "0905.123.456" and "(0905) 123-456" are one key.
    /// Numbers of fewer than 8 digits (a house number, "113") are ignored.
    /// </summary>
    public static IReadOnlyCollection<string> PhoneKeys(params string?[] texts)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            foreach (Match m in PhonePattern().Matches(text))
            {
                var digits = new string([.. m.Value.Where(char.IsAsciiDigit)]);
                if (digits.StartsWith("84", StringComparison.Ordinal) && digits.Length >= 11)
                {
                    digits = "0" + digits[2..];
                }
                else if (digits.Length is 9 or 10 && digits[0] != '0' && !digits.StartsWith("1800", StringComparison.Ordinal))
                {
                    // A mobile number written without its trunk 0 ("905 123 456").
                    digits = "0" + digits;
                }
                if (digits.Length is >= 8 and <= 12)
                {
                    keys.Add(digits);
                }
            }
        }
        return keys;
    }

    /// <summary>Scores <paramref name="intake"/> against an existing case's <paramref name="existing"/>.</summary>
    public static DuplicateScore Score(DuplicateProbe intake, DuplicateProbe existing)
    {
        var reasons = new List<DuplicateReason>();
        var score = 0.0;
        var name = NameSimilarity(intake.Name, existing.Name);
        if (name >= PartialNameShare)
        {
            score += NameWeight * name;
            reasons.Add(DuplicateReason.Name);
        }
        if (intake.BirthYear is { } a && existing.BirthYear is { } b)
        {
            var tolerance = intake.BirthYearExact && existing.BirthYearExact ? 0 : ApproximateYears;
            if (Math.Abs(a - b) <= tolerance)
            {
                score += AgeWeight;
                reasons.Add(DuplicateReason.Age);
            }
        }
        if (intake.WardId.Length > 0 && intake.WardId == existing.WardId)
        {
            score += WardWeight;
            reasons.Add(DuplicateReason.Ward);
        }
        if (intake.Phones.Count > 0 && intake.Phones.Overlaps(existing.Phones))
        {
            score += PhoneWeight;
            reasons.Add(DuplicateReason.Phone);
        }
        return new DuplicateScore(Math.Round(Math.Min(score, 1), 2), reasons);
    }

    /// <summary>Birth year from a date of birth, else estimated from an age stated in <paramref name="statedInYear"/>.</summary>
    public static (int? Year, bool Exact) BirthYear(DateOnly? birthDate, int approximateAge, int statedInYear) =>
        birthDate is { } d ? (d.Year, true) : approximateAge > 0 ? (statedInYear - approximateAge, false) : (null, false);

    private static bool Overlaps(this IReadOnlyCollection<string> a, IReadOnlyCollection<string> b) => a.Any(b.Contains);

    [GeneratedRegex(@"\+?\d[\d\s.\-()]{5,}\d")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"[\p{P}\p{S}]")]
    private static partial Regex PunctuationPattern();
}
