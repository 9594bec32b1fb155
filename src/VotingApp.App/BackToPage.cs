namespace VotingApp.App;

/// <summary>
/// How every form the page posts (a vote, a reset, the feature-flag buttons) is answered: 303 See Other to
/// the page, so that a browser's reload after the redirect does not post again. (ASP.NET Core's
/// Results.Redirect answers 301, 302, 307 or 308, never 303.)
/// </summary>
public sealed class BackToPage : IResult
{
    public static readonly IResult Result = new BackToPage();

    private BackToPage()
    {
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = "/";
        return Task.CompletedTask;
    }
}
