using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using Coordination.WebConsole;
using Coordination.WebConsole.Components;
using Coordination.WebConsole.Platform;
using Coordination.WebConsole.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // Run from the build output (as ./run.sh does): settings and static files sit next to the assembly.
    ContentRootPath = AppContext.BaseDirectory,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.Configuration.AddInMemoryCollection(ConsoleOptions.FromEnvironment());
var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new();
builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section)
    .Validate(o => Uri.TryCreate(o.PlatformUrl, UriKind.Absolute, out _), "COORD_PLATFORM_URL must be an absolute URL")
    .ValidateOnStart();

// Passwords and session cookies never cross a network in cleartext: off loopback, TLS or an explicit opt-in.
var listenIp = IPAddress.TryParse(options.ListenAddress, out var listenParsed) ? listenParsed : IPAddress.Loopback;
if (!IPAddress.IsLoopback(listenIp) && options.TlsCertificatePath.Length == 0)
{
    if (Environment.GetEnvironmentVariable("COORD_ALLOW_CLEARTEXT") != "1")
    {
        Console.Error.WriteLine($"coordination console: refusing to listen on {options.ListenAddress} without TLS: set COORD_CONSOLE_TLS_CERT (a PFX), or COORD_ALLOW_CLEARTEXT=1 behind a TLS-terminating proxy.");
        return 2;
    }
    Console.Error.WriteLine($"coordination console: WARNING — listening on {options.ListenAddress} in cleartext (COORD_ALLOW_CLEARTEXT=1); passwords and session cookies cross the network unencrypted unless a proxy in front terminates TLS.");
}

builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(listenIp, options.Port, listen =>
    {
        // Browsers speak HTTP/2 only over TLS; in cleartext the console is HTTP/1.1.
        listen.Protocols = HttpProtocols.Http1;
        if (options.TlsCertificatePath.Length > 0)
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(options.TlsCertificatePath, options.TlsCertificatePassword,
                https => https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }
    });
    // Pages are small; anything bigger is not a form of ours.
    k.Limits.MaxRequestBodySize = 1024 * 1024;
});

// Vietnamese as characters, not numeric entities: smaller pages, readable source.
builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
builder.Services.AddHttpContextAccessor();
builder.Services.AddSingleton<PlatformClient>();
builder.Services.AddSingleton<WorkingDays>();
builder.Services.AddSingleton<DirectoryCache>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<Clock>();

// The session cookie is encrypted with keys kept in the data folder: a restart keeps people signed in.
builder.Services.AddDataProtection()
    .SetApplicationName("coordination-console")
    .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(options.DataDirectory), "console-keys")));
builder.Services.AddConsoleAuthentication(options);
builder.Services.AddAuthorization();
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "coord_af";
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});

builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
builder.Services.Configure<RequestLocalizationOptions>(o =>
{
    var cultures = new[] { new CultureInfo("vi-VN"), new CultureInfo("en-GB") };
    o.DefaultRequestCulture = new RequestCulture("vi-VN");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
    // The signed-in person's own choice first, then the language cookie of the sign-in page.
    o.RequestCultureProviders = [new PersonCultureProvider(), new CookieRequestCultureProvider { CookieName = PersonCultureProvider.CookieName }];
});

builder.Services.AddRazorComponents();
builder.Services.AddHealthChecks();

var app = builder.Build();
// Behind a TLS-terminating proxy on the same machine, the request counts as HTTPS (Secure cookies).
app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedFor });
app.UseSecurityHeaders();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseStaticFiles(new StaticFileOptions
{
    // Asset URLs carry a content hash (Assets.cs), so they can be cached for good.
    OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
});
app.UseAuthentication();
app.UseRequestLocalization();
app.UseAuthorization();
app.UseAntiforgery();
app.MapHealthChecks("/healthz");
app.MapLiveEndpoints();
app.MapExportEndpoints();
app.MapOidcSignIn(options);
app.MapRazorComponents<App>();
app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"coordination console: ready on {(options.TlsCertificatePath.Length > 0 ? "https" : "http")}://{options.ListenAddress}:{options.Port} (platform {options.PlatformUrl})"));
await app.RunAsync();
return 0;
