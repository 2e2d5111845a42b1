namespace Coordination.WebConsole.Components;

/// <summary>
/// On/off switches in a page's query string. Read as text, not as <c>bool</c>: Blazor refuses a
/// <c>bool</c> query value other than true/false with an error page, and people (and our own
/// redirects) write <c>?overdue=1</c> or <c>?flagged=on</c> as often as <c>=true</c>.
/// </summary>
public static class QueryFlag
{
    /// <summary>Whether the value turns the switch on: 1, true, on or yes (any case); anything else is off.</summary>
    public static bool IsSet(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase)
            || value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase));
}
