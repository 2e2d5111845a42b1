using Microsoft.Extensions.Localization;

// The assembly is named coord-console; resources are found under the root namespace.
[assembly: RootNamespace("Coordination.WebConsole")]

namespace Coordination.WebConsole;

/// <summary>Marker of the UI text resources (<c>Resources/Strings.resx</c>: Vietnamese; <c>Strings.en.resx</c>: English).</summary>
public sealed class Strings;
