using Coordination.WebConsole.Platform;
using Microsoft.AspNetCore.Localization;

namespace Coordination.WebConsole.Security;

/// <summary>The signed-in person's language (from their account, kept in the session cookie).</summary>
public sealed class PersonCultureProvider : RequestCultureProvider
{
    /// <summary>Cookie remembering the language chosen before signing in.</summary>
    public const string CookieName = "coord_lang";

    /// <summary>The culture of a language code.</summary>
    public static string CultureOf(string language) => language == "en" ? "en-GB" : "vi-VN";

    /// <inheritdoc/>
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var me = Me.Of(httpContext.User);
        return Task.FromResult(me is null ? null : new ProviderCultureResult(CultureOf(me.Language)));
    }
}
