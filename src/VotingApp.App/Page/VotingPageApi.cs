using Microsoft.Extensions.Options;
using VotingApp.ServiceDefaults;

namespace VotingApp.App.Page;

/// <summary>GET / shows the page; POST / records a vote (or a reset) through storage.</summary>
public static partial class VotingPageApi
{
    public static void MapVotingPage(this WebApplication app)
    {
        app.MapGet("/", ShowPage).WithName("VotingPage");
        app.MapPost("/", Vote).WithName("Vote");
    }

    private static async Task ShowPage(HttpContext context, AnalyticsClient analytics, VotingPage page,
        ILogger<VotingPage> logger, CancellationToken cancellationToken)
    {
        string? text = null, store = null;
        try
        {
            var results = await analytics.GetResultsAsync(context, cancellationToken);
            (text, store) = (results.Text, results.Store);
        }
        catch (UpstreamUnavailableException e)
        {
            // The page still renders and voting is still offered; only the results line says it failed.
            LogResultsUnavailable(logger, e.Message);
        }

        await page.WriteAsync(context.Response, new VotingPageModel(text, store, FeatureFlagCookie.IsSet(context.Request)));
    }

    private static async Task<IResult> Vote(HttpContext context, VoteWriter storage, VotingPage page,
        IOptions<VoteOptions> options, ILogger<VotingPage> logger)
    {
        var request = context.Request;
        if (!RequestLimits.IsUrlEncodedForm(request))
        {
            LogRejected(logger, "not a urlencoded form");
            return Problem(page, StatusCodes.Status415UnsupportedMediaType, "Vote not accepted",
                "Send the vote as a form field: vote=<option> (Content-Type application/x-www-form-urlencoded).");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            // Kestrel's own message (e.g. "Request body too large. The max request body size is 1024 bytes.") names only the limit.
            var status = e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
            LogRejected(logger, e.Message);
            return Problem(page, status, "Vote not accepted", status == StatusCodes.Status413PayloadTooLarge
                ? RequestLimits.TooLargeDetail
                : "The form could not be read: it has too many or too long fields, or is not urlencoded.");
        }

        var value = form["vote"].ToString();
        var isReset = string.Equals(value, VoteOptions.ResetValue, StringComparison.Ordinal);
        var option = isReset ? null : options.Value.Find(value);
        if (!isReset && option is null)
        {
            var shown = value.Length > VoteOptions.MaxLength ? value[..VoteOptions.MaxLength] + "…" : value;
            LogRejected(logger, $"unknown option '{shown}'");
            return Problem(page, StatusCodes.Status400BadRequest, "Vote not accepted",
                $"'{shown}' is not an option. Vote for {options.Value.Vote1Value} or {options.Value.Vote2Value}, or reset.");
        }

        try
        {
            if (isReset)
            {
                await storage.ResetAsync(context);
            }
            else
            {
                await storage.AddVoteAsync(context, option!);
            }
        }
        catch (UpstreamUnavailableException e)
        {
            // The voter is told what happened and a reference; which service failed and why is for the log only.
            LogNotCounted(logger, isReset ? "reset" : option!, e.Message);
            return Problem(page, StatusCodes.Status503ServiceUnavailable,
                isReset ? "Votes not reset" : "Vote not counted",
                $"{(isReset ? "The votes were not reset" : "Your vote was not counted")}: the vote store did not answer. " +
                $"Please try again. (Reference: trace id {ErrorResponses.TraceId(context)})");
        }

        return FeatureFlagApi.BackToPage();
    }

    private static IResult Problem(VotingPage page, int status, string heading, string message) =>
        Results.Content(page.RenderProblem(heading, message), VotingPage.HtmlContentType, statusCode: status);

    [LoggerMessage(LogLevel.Warning, "Results unavailable, page rendered without them: {Reason}")]
    private static partial void LogResultsUnavailable(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "Vote rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Error, "Vote for {Option} not counted: {Reason}")]
    private static partial void LogNotCounted(ILogger logger, string option, string reason);
}
