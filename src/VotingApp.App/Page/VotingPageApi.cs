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
        if (!request.HasFormContentType)
        {
            LogRejected(logger, "not a form");
            return Problem(page, StatusCodes.Status400BadRequest, "Vote not accepted",
                "Send the vote as a form field: vote=<option> (Content-Type application/x-www-form-urlencoded).");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            LogRejected(logger, e.Message);
            return Problem(page, StatusCodes.Status400BadRequest, "Vote not accepted", $"The form could not be read: {e.Message}");
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
            LogNotCounted(logger, isReset ? "reset" : option!, e.Message);
            return Problem(page, StatusCodes.Status503ServiceUnavailable,
                isReset ? "Votes not reset" : "Vote not counted",
                $"{(isReset ? "The votes were not reset" : "Your vote was not counted")}: {e.Message}. Please try again.");
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
