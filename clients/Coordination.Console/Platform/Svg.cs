using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;

namespace Coordination.WebConsole.Platform;

/// <summary>SVG pieces that Razor cannot write as markup (its own <c>&lt;text&gt;</c> tag shadows SVG's).</summary>
public static class Svg
{
    /// <summary>An SVG text element, its content HTML-encoded.</summary>
    public static MarkupString Text(double x, double y, string cssClass, string content, string anchor = "start") =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"<text x=\"{x:0.##}\" y=\"{y:0.##}\" class=\"{cssClass}\" text-anchor=\"{anchor}\">{WebUtility.HtmlEncode(content)}</text>"));
}
