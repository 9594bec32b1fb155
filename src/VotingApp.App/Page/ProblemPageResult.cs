namespace VotingApp.App.Page;

/// <summary>
/// A problem page (400, 403, 404, 409, 429, 503) as the voting page answers it: HTML in the page's style
/// (its policy allows the page's one stylesheet), never stored, and allowed to post its one form (send the
/// vote again) to this site only when it has one.
/// </summary>
internal sealed class ProblemPageResult(int status, string html, bool hasForm) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = VotingPage.HtmlContentType;
        response.Headers.CacheControl = VotingPage.CacheControl;
        response.Headers.ContentSecurityPolicy = hasForm ? PageStyle.PolicyWithForms : PageStyle.PolicyWithoutForms;
        return response.WriteAsync(html);
    }
}
