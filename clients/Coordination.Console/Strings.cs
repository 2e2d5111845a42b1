namespace Coordination.WebConsole;

/// <summary>Marker of the UI text resources (<c>Resources/Strings.resx</c>: Vietnamese; <c>Strings.en.resx</c>: English).</summary>
public sealed class Strings;
