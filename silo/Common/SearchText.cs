using System.Globalization;
using System.Text;

namespace Coordination.Silo.Common;

/// <summary>
/// Folds Vietnamese text for search: diacritics and case are ignored and "đ" matches "d", so
/// "nguyen thi hang" finds "Nguyễn Thị Hằng". Only the search key is folded; stored text stays exact.
/// </summary>
public static class SearchText
{
    /// <summary>The folded search key of <paramref name="text"/>.</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var b = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            b.Append(ch switch
            {
                'đ' or 'Đ' => 'd',
                _ => char.ToLowerInvariant(ch),
            });
        }
        return string.Join(' ', b.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
