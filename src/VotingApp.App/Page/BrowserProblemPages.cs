using Microsoft.AspNetCore.WebUtilities;

namespace VotingApp.App.Page;

/// <summary>
/// The app's problem-details answers that the voting page does not write itself (a 404, a 405, a cross-site
/// 403, a rate limit's 429, a 413), to a browser (Accept lists text/html), as a small page in the page's
/// style; API clients and curl (Accept */*, JSON) still get problem JSON from the default writer.
/// </summary>
internal sealed class BrowserProblemPages : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.GetTypedHeaders().Accept.Any(accepted =>
            accepted.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && accepted.Quality != 0);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var heading = context.ProblemDetails.Title ?? ReasonPhrases.GetReasonPhrase(status);
        var message = context.ProblemDetails.Detail ?? (status == StatusCodes.Status404NotFound
            ? "There is no page at this address."
            : "This request could not be answered.");
        // Resolved here, not in a constructor: the problem-details service is built before the settings are checked.
        var page = http.RequestServices.GetRequiredService<VotingPage>();
        var html = page.RenderProblem(heading, $"{message} {VotingPageApi.Reference(http)}");
        return new ValueTask(new ProblemPageResult(status, html, hasForm: false).ExecuteAsync(http));
    }
}
