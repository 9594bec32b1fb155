using Microsoft.Extensions.Options;
using VotingApp.Contracts;
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

    private static async Task ShowPage(HttpContext context, AnalyticsClient analytics, VotingPage page, IOptions<Ballot> ballot,
        ServiceIdentity identity, ILogger<VotingPage> logger, CancellationToken cancellationToken)
    {
        var (results, failure, chain) = await analytics.GetResultsAsync(cancellationToken);
        context.Response.Headers[VersionChain.HeaderName] = VersionChain.Compose(identity.ChainToken, chain);
        // The page still renders and voting is still offered; only the results line says it failed.
        if (failure is not null) LogResultsUnavailable(logger, failure.Message);
        var noVotesYet = results is not null && results.Category1.Count + results.Category2.Count == 0;
        var counted = VotedCookie.Take(context, ballot.Value);
        await page.WriteAsync(context.Response,
            new VotingPageModel(results?.Text, results?.Store, FeatureFlagCookie.IsSet(context.Request), noVotesYet, counted));
    }

    /// <summary>The posted form, read and checked first: then a vote path and a reset path.</summary>
    private static async Task<IResult> Vote(HttpContext context, StorageClient storage, VotingPage page,
        IOptions<Ballot> ballot, IOptions<AppSettings> settings, ResetThrottle resets, ServiceIdentity identity, ILogger<VotingPage> logger)
    {
        var (posted, rejection) = await ReadPostedAsync(context, page, ballot.Value, settings.Value, logger);
        if (posted is null) return rejection!;
        if (posted.Option is null && RefusedReset(context, page, resets, logger) is { } refused) return refused;
        return posted.Option is { } option
            ? await AddVoteAsync(context, storage, page, ballot.Value, identity, logger, option, posted.Token)
            : await ResetAsync(context, storage, page, identity, logger);
    }

    /// <summary>What a voter posted: an option of the ballot (null: reset) and the page's vote token, if any.</summary>
    private sealed record PostedVote(string? Option, string? Token);

    /// <summary>The posted vote, or the problem page that says why it was not accepted.</summary>
    private static async Task<(PostedVote? Posted, IResult? Rejection)> ReadPostedAsync(HttpContext context, VotingPage page,
        Ballot ballot, AppSettings settings, ILogger logger)
    {
        var request = context.Request;
        if (!IsUrlEncodedForm(request))
        {
            LogRejected(logger, "not a urlencoded form");
            return (null, Problem(page, StatusCodes.Status415UnsupportedMediaType, "Vote not accepted",
                "Send the vote as a form field: vote=<option> (Content-Type application/x-www-form-urlencoded)."));
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
            return (null, Problem(page, status, "Vote not accepted", status == StatusCodes.Status413PayloadTooLarge
                ? RequestLimits.TooLargeDetail
                : "The form could not be read: it has too many or too long fields, or is not urlencoded."));
        }

        var value = form["vote"].ToString();
        var isReset = string.Equals(value, Ballot.ResetValue, StringComparison.Ordinal);
        var option = ballot.Find(value);
        if (!isReset && option is null)
        {
            var shown = value.Length > Ballot.MaxLength ? value[..Ballot.MaxLength] + "…" : value;
            LogRejected(logger, $"unknown option '{shown}'");
            return (null, Problem(page, StatusCodes.Status400BadRequest, "Vote not accepted",
                $"'{shown}' is not an option. Vote for {ballot.Vote1Value} or {ballot.Vote2Value}, or reset."));
        }

        var token = form[VoteToken.FormField].ToString() is { Length: > 0 } sent ? sent : null;
        if (token is not null && !VoteToken.IsWellFormed(token))
        {
            LogRejected(logger, "malformed vote token");
            return (null, Problem(page, StatusCodes.Status400BadRequest, "Vote not accepted",
                $"The form's vote token is malformed (it must be {VoteToken.Rule}). Load the voting page again and vote from there."));
        }

        if (isReset && !settings.ResetEnabled)
        {
            LogRejected(logger, "reset switched off (RESET_ENABLED=false)");
            return (null, Problem(page, StatusCodes.Status403Forbidden, "Votes not reset", "Resetting the votes is switched off on this site."));
        }

        if (isReset && token is null)
        {
            // The page's form always carries its token: a reset without one did not come from its button.
            LogRejected(logger, "reset without the page's token");
            return (null, Problem(page, StatusCodes.Status400BadRequest, "Votes not reset",
                "Reset only with the page's Reset button: load the voting page and press it there."));
        }

        return (new PostedVote(option, token), null);
    }

    /// <summary>A reset over the client's budget (RESET_LIMIT_PER_MINUTE) gets 429; one let through is logged with the client's address.</summary>
    private static IResult? RefusedReset(HttpContext context, VotingPage page, ResetThrottle resets, ILogger logger)
    {
        var client = ForwardedClient.AddressOf(context);
        if (resets.WaitFor(client) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            LogRejected(logger, $"too many resets from {client}");
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(page, StatusCodes.Status429TooManyRequests, "Votes not reset", $"Too many resets from your address; try again in {seconds} s.");
        }

        LogResetRequested(logger, client.ToString());
        return null;
    }

    private static async Task<IResult> ResetAsync(HttpContext context, StorageClient storage, VotingPage page, ServiceIdentity identity, ILogger logger)
    {
        var (failure, chain) = await storage.ResetAsync();
        context.Response.Headers[VersionChain.HeaderName] = VersionChain.Compose(identity.ChainToken, chain);
        if (failure is null) return BackToPage.Result;
        LogNotCounted(logger, "reset", "not done", failure.Message);
        return Problem(page, StatusCodes.Status503ServiceUnavailable, "Votes not reset",
            $"The votes were not reset: the vote store did not answer. Please try again. {Reference(context)}");
    }

    private static async Task<IResult> AddVoteAsync(HttpContext context, StorageClient storage, VotingPage page, Ballot ballot,
        ServiceIdentity identity, ILogger logger, string option, string? token)
    {
        var (result, reason, chain) = await storage.AddVoteAsync(option, token);
        context.Response.Headers[VersionChain.HeaderName] = VersionChain.Compose(identity.ChainToken, chain);
        switch (result)
        {
            case VoteResult.TokenUsed:
                LogRejected(logger, $"vote token already used: {reason}");
                return Problem(page, StatusCodes.Status409Conflict, "Vote already counted",
                    $"This page's vote was already counted for the other option. Load the voting page again to vote again. {Reference(context)}");
            case VoteResult.NotCounted:
                LogNotCounted(logger, option, "not counted", reason!);
                return Problem(page, StatusCodes.Status503ServiceUnavailable, "Vote not counted",
                    $"Your vote was not counted: the vote store did not answer. Please try again. {Reference(context)}", RetryOf(option, token));
            case VoteResult.NotConfirmed:
                // The store may have counted it and lost only the answer: say so, and offer to send the same
                // vote (same token) again, which storage counts once. Which service failed and why is for the log.
                // 504, not 503: the mesh sends a 503 again, and this vote may have been counted (docs/http.md, "Retries").
                LogNotCounted(logger, option, "not confirmed (it may have been counted)", reason!);
                return Problem(page, StatusCodes.Status504GatewayTimeout, "Vote not confirmed",
                    token is null
                        ? $"Your vote was not confirmed: the vote store's answer did not arrive. It may have been counted; check the results before you vote again. {Reference(context)}"
                        : $"Your vote was not confirmed: the vote store's answer did not arrive. It may have been counted. Send it again: it is counted once, however often you send it. {Reference(context)}",
                    RetryOf(option, token));
            default:
                VotedCookie.Set(context.Response, ballot, option);
                return BackToPage.Result;
        }
    }

    /// <summary>The same vote with the same token, as a form on the problem page; none for a plain vote.</summary>
    private static VoteRetry? RetryOf(string option, string? token) => token is null ? null : new VoteRetry(option, token);

    private static IResult Problem(VotingPage page, int status, string heading, string message, VoteRetry? retry = null) =>
        new ProblemPageResult(status, page.RenderProblem(heading, message, retry), hasForm: retry is not null);

    /// <summary>The only form the page sends (multipart is refused too).</summary>
    private static bool IsUrlEncodedForm(HttpRequest request) =>
        request.ContentType is { } type
        && type.AsSpan().TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>What a voter can quote to an operator, who finds the details in the log under it.</summary>
    internal static string Reference(HttpContext context) => $"(Reference: trace id {ErrorResponses.TraceId(context)})";

    [LoggerMessage(LogLevel.Warning, "Results unavailable, page rendered without them: {Reason}")]
    private static partial void LogResultsUnavailable(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "Vote rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Reset of all votes requested by {Client}")]
    private static partial void LogResetRequested(ILogger logger, string client);

    [LoggerMessage(LogLevel.Error, "Vote for {Option} {Outcome}: {Reason}")]
    private static partial void LogNotCounted(ILogger logger, string option, string outcome, string reason);
}
