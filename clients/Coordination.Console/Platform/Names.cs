using Microsoft.Extensions.Localization;

namespace Coordination.WebConsole.Platform;

/// <summary>People's words for the contract's enum values (keys <c>{Enum}.{Value}</c> in the resources).</summary>
public static class Names
{
    /// <summary>The localized name of an enum value.</summary>
    public static string Of<T>(this IStringLocalizer l, T value) where T : struct, Enum => l[$"{typeof(T).Name}.{value}"];

    /// <summary>A machine-readable action (e.g. PLAN_APPROVED) in words; the code itself when unknown.</summary>
    public static string Action(this IStringLocalizer l, string action)
    {
        var text = l["Action." + action];
        return text.ResourceNotFound ? action : text.Value;
    }

    /// <summary>The enum's values that people can pick (every value but the zero one).</summary>
    public static IEnumerable<T> Choices<T>() where T : struct, Enum => Enum.GetValues<T>().Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0);

    /// <summary>The contract's own name of an enum value, e.g. <c>CASE_STEP_PLANNING</c>.</summary>
    public static string Proto<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();

    /// <summary>The count under an enum value's label in a summary.</summary>
    public static long Count<T>(IEnumerable<Coordination.V1.LabelCount> counts, T value) where T : struct, Enum =>
        counts.Where(c => c.Label == Proto(value)).Sum(c => c.Count);

    /// <summary>The id part of a resource name (<c>cases/DN-2026-000001</c> → <c>DN-2026-000001</c>).</summary>
    public static string Id(string? name) => name is null ? "" : name[(name.LastIndexOf('/') + 1)..];
}
