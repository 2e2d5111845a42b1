using Microsoft.Playwright;

namespace Coordination.IntegrationTests.Console;

/// <summary>One person at their own browser (a separate context: their own cookies).</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];

    private BrowserSession(IBrowserContext context, IPage page, string baseUrl)
    {
        _context = context;
        Page = page;
        BaseUrl = baseUrl;
        page.Console += (_, m) =>
        {
            // A Content-Security-Policy violation or a script error is a defect of the console.
            if (m.Type == "error")
            {
                lock (_problems)
                {
                    _problems.Add(m.Text);
                }
            }
        };
        page.PageError += (_, e) => { lock (_problems) { _problems.Add(e); } };
    }

    /// <summary>The person's tab.</summary>
    public IPage Page { get; }

    /// <summary>The console's base address.</summary>
    public string BaseUrl { get; }

    /// <summary>Script errors and CSP violations seen so far.</summary>
    public IReadOnlyList<string> Problems { get { lock (_problems) { return [.. _problems]; } } }

    /// <summary>Opens a browser for someone (not signed in yet).</summary>
    public static async Task<BrowserSession> OpenAsync(IBrowser browser, string baseUrl, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = "Asia/Ho_Chi_Minh",
            Locale = "vi-VN",
        });
        return new BrowserSession(context, await context.NewPageAsync(), baseUrl);
    }

    /// <summary>Opens a browser and signs in through the sign-in form, as a password manager fills it.</summary>
    public static async Task<BrowserSession> SignInAsync(IBrowser browser, string baseUrl, string username, string password, int width = 1280)
    {
        var person = await OpenAsync(browser, baseUrl, width);
        await person.GoAsync("/");
        await person.Page.FillAsync("input[autocomplete=username]", username);
        await person.Page.FillAsync("input[autocomplete=current-password]", password);
        await person.Page.ClickAsync("form:has(input[autocomplete=username]) button[type=submit]");
        await person.Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return person;
    }

    /// <summary>Goes to a console path; returns the HTTP status.</summary>
    public async Task<int> GoAsync(string path)
    {
        var response = await Page.GotoAsync(BaseUrl + path);
        return response?.Status ?? 0;
    }

    /// <summary>Submits the form that contains <paramref name="selector"/> by clicking its submit button, and waits for the next page.</summary>
    public Task<IResponse?> SubmitAsync(string selector) => ClickAndWaitAsync($"form:has({selector}) button[type=submit]");

    /// <summary>Clicks and waits for the page that follows (a form post, its redirect, the next page).</summary>
    public Task<IResponse?> ClickAndWaitAsync(string selector) => NavigateByAsync(() => Page.ClickAsync(selector));

    /// <summary>Does something that navigates and waits for the page that follows.</summary>
    public Task<IResponse?> NavigateByAsync(Func<Task> action) =>
#pragma warning disable CS0612 // "Racy" only for client-side routing; these pages navigate by full loads, which is exactly what is awaited.
        Page.RunAndWaitForNavigationAsync(action);
#pragma warning restore CS0612

    /// <summary>The main content's text.</summary>
    public Task<string> MainTextAsync() => Page.InnerTextAsync("main");

    /// <summary>Saves a full-page screenshot into the screenshots folder (the best go into docs/console.md).</summary>
    public async Task ShotAsync(string name)
    {
        var folder = Path.Combine(Infrastructure.PlatformHost.RepositoryRoot(), ".test-screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>The person's cookies (to show that a stolen cookie is dead after sign-out).</summary>
    public Task<IReadOnlyList<BrowserContextCookiesResult>> CookiesAsync() => _context.CookiesAsync();

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
