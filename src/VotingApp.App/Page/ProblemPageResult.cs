namespace VotingApp.App.Page;

/// <summary>
/// A problem page (400, 403, 409, 429, 503) as the voting page answers it: HTML, never stored, and allowed
/// to post its one form (send the vote again) to this site when it has one; without a form the default
/// policy (SecurityHeaders: form-action 'none') stands.
/// </summary>
internal sealed class ProblemPageResult(int status, string html, bool hasForm) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = VotingPage.HtmlContentType;
        response.Headers.CacheControl = VotingPage.CacheControl;
        if (hasForm) response.Headers.ContentSecurityPolicy = VotingPage.ProblemPolicyWithForm;
        return response.WriteAsync(html);
    }
}
