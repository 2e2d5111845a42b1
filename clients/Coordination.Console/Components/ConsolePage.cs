using Coordination.WebConsole.Platform;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;

namespace Coordination.WebConsole.Components;

/// <summary>
/// Base of every signed-in page: the platform client, the person, and one way of calling the
/// platform that turns refusals and outages into what the page shows (a "not yours" page, a banner,
/// messages beside fields) and an ended session into a new sign-in that returns to the same page.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    /// <summary>The request (static server rendering).</summary>
    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    /// <summary>The platform.</summary>
    [Inject]
    public PlatformClient Platform { get; set; } = default!;

    /// <summary>Navigation (redirects after a change).</summary>
    [Inject]
    public NavigationManager Nav { get; set; } = default!;

    /// <summary>Times and deadlines as people read them.</summary>
    [Inject]
    public Clock Clock { get; set; } = default!;

    /// <summary>Why the page's own data could not be shown (refused, missing, platform away).</summary>
    public Problem? LoadProblem { get; set; }

    /// <summary>Why the last form submission did not go through.</summary>
    public Problem? ActionProblem { get; set; }

    /// <summary>The signed-in person.</summary>
    public Me Me => Me.Of(HttpContext.User) ?? throw new InvalidOperationException("Nobody is signed in.");

    /// <summary>A new request id, made when a form is drawn (a resubmission of that form has one effect).</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString();

    /// <summary>Loads the page's data; a failure becomes <see cref="LoadProblem"/>.</summary>
    protected async Task<T?> Load<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (RpcException e)
        {
            LoadProblem ??= await HandleAsync(Problem.From(e));
            return null;
        }
    }

    /// <summary>Sends a change; a failure becomes <see cref="ActionProblem"/>.</summary>
    protected async Task<T?> Act<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (RpcException e)
        {
            ActionProblem = await HandleAsync(Problem.From(e));
            return null;
        }
    }

    /// <summary>Redirects after a successful change (post, redirect, get).</summary>
    protected void Done(string url) => Nav.NavigateTo(url);

    private async Task<Problem> HandleAsync(Problem problem)
    {
        switch (problem.Kind)
        {
            case ProblemKind.SignedOut:
                // The token expired or was revoked: sign in again and come back here.
                await HttpContext.SignOutAsync();
                var back = "/" + Nav.ToBaseRelativePath(Nav.Uri);
                Nav.NavigateTo("/signin?expired=1&returnUrl=" + Uri.EscapeDataString(back));
                break;
            case ProblemKind.Refused when problem.Reason == "PASSWORD_CHANGE_REQUIRED":
                // A one-time password: nothing else until the person sets their own.
                Nav.NavigateTo("/account/password?first=1");
                break;
            case ProblemKind.Denied:
                HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
                break;
            case ProblemKind.NotFound:
                HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
            case ProblemKind.Unavailable:
                HttpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            default:
                break;
        }
        return problem;
    }
}
