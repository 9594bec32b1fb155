using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App.Page;

/// <summary>What one rendering of the page shows.</summary>
/// <param name="ResultsText">The results line, or null when the results could not be read.</param>
/// <param name="Store">The store storage reported ("redis", "mysql"), or null when unknown.</param>
/// <param name="NoVotesYet">Both counts are zero: the page says so beside the line (whose format the curl loop shows).</param>
/// <param name="CountedVote">The option this visitor's last vote was counted for (<see cref="VotedCookie"/>), or null.</param>
public sealed record VotingPageModel(string? ResultsText, string? Store, bool FeatureFlagSet, bool NoVotesYet = false, string? CountedVote = null);

/// <summary>A vote to offer again on the problem page: the same option with the same token.</summary>
public sealed record VoteRetry(string Option, string Token);

/// <summary>
/// The voting page, as compiled C#: everything that depends only on the settings (title, buttons, styles)
/// is encoded and joined once at start, so a request only adds its vote token, the results line and the
/// store. The vote form carries a fresh token per rendering (<see cref="VoteToken"/>). Every
/// value placed in the HTML is HTML-encoded. The results stay on one line,
/// <c>&lt;div id="results"&gt; TEXT &lt;/div&gt;</c>, the only line with that word, so that
/// <c>curl -s HOST | grep results</c> prints exactly it.
/// </summary>
public sealed class VotingPage
{
    public const string UnavailableText = "Results are unavailable right now";

    public const string NoVotesYetText = "No votes yet.";

    public const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>Every rendering carries a fresh vote token: no cache (a browser's back button, a shared proxy) may keep one.</summary>
    public const string CacheControl = "no-store";

    /// <summary>
    /// No script at all, never framed, forms post only to this page; the one inline style allowed by its
    /// hash (<see cref="PageStyle"/>) and the data: favicon.
    /// </summary>
    public string ContentSecurityPolicy => PageStyle.PolicyWithForms;

    // The page is a head (with or without the "counted" notice) + vote token + _buttons + results line
    // + a middle (with or without "No votes yet") + store (with SHOWDETAILS) + one of the two ends.
    private readonly string _head;
    private readonly Dictionary<string, string> _headAfterVote;
    private readonly string _buttons;
    private readonly string _middle;
    private readonly string _middleNoVotes;
    private readonly string _endFlagOn;
    private readonly string _endFlagOff;
    private readonly bool _showDetails;
    private readonly HtmlEncoder _encoder = HtmlEncoder.Default;

    public VotingPage(IOptions<AppSettings> settings, IOptions<Ballot> ballot, ServiceIdentity identity)
    {
        var app = settings.Value;
        var title = _encoder.Encode(app.Title);
        var vote1 = _encoder.Encode(ballot.Value.Vote1Value);
        var vote2 = _encoder.Encode(ballot.Value.Vote2Value);
        _showDetails = app.ShowDetails;
        var footer = app.ShowDetails || app.FeatureFlag;
        var form = $"""
            <form class="vote" method="post" action="/" aria-label="Vote">
            <input type="hidden" name="{VoteToken.FormField}" value="
            """;
        var buttons = $$"""
            ">
            <button class="option1" name="vote" value="{{vote1}}">{{vote1}}</button>
            <button class="option2" name="vote" value="{{vote2}}">{{vote2}}</button>
            {{(app.ResetEnabled ? $"<button class=\"reset\" name=\"vote\" value=\"{Ballot.ResetValue}\">Reset</button>\n" : "")}}</form>
            <section class="tally">

            """;
        // A raw string ends before the line break of its closing quotes: the token follows value=" directly.
        var top = Top(title) + $"<h1>{title}</h1>\n";
        _head = top + form;
        _headAfterVote = ballot.Value.All.ToDictionary(option => option, option =>
            top + $"<p class=\"notice\" role=\"status\">Your vote for {_encoder.Encode(option)} was counted.</p>\n" + form);
        _buttons = buttons + "<div id=\"results\"> ";
        var details = _showDetails
            ? $"<p id=\"details\">Host: {_encoder.Encode(Environment.MachineName)} &middot; App version: {_encoder.Encode(identity.Version)} &middot; Store: "
            : "";
        var middle = "</section>\n" + (footer ? "<footer>\n" : "") + details;
        _middle = "</p>\n" + middle;
        _middleNoVotes = $"</p>\n<p>{NoVotesYetText}</p>\n" + middle;
        _endFlagOn = End(flagSet: true);
        _endFlagOff = End(flagSet: false);

        // The button that would change nothing is disabled: Set while the flag is on, Clear while it is off.
        string End(bool flagSet) =>
            (_showDetails ? "</p>\n" : "")
            + (app.FeatureFlag
                ? "<div id=\"featureflag\">Feature flag: " + (flagSet ? "<strong>on</strong>" : "off")
                  + $" &middot; <form method=\"post\" action=\"/featureflag/set\"><button id=\"set-featureflag\"{(flagSet ? " disabled" : "")}>Set feature flag</button></form>"
                  + $" &middot; <form method=\"post\" action=\"/featureflag/clear\"><button id=\"clear-featureflag\"{(flagSet ? "" : " disabled")}>Clear feature flag</button></form></div>\n"
                : "")
            + (footer ? "</footer>\n" : "")
            + "</main>\n</body>\n</html>\n";
    }

    /// <summary>Everything up to &lt;main&gt;, the same for the page and its problem pages: one stylesheet, one policy.</summary>
    private static string Top(string encodedTitle) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{encodedTitle}</title>
        <link rel="icon" href="data:,">
        {PageStyle.Element}
        </head>
        <body>
        <main>

        """;

    /// <summary>The page, joined from the parts made at start and this request's values (HTML-encoded), in one UTF-8 write.</summary>
    public Task WriteAsync(HttpResponse response, VotingPageModel model)
    {
        var head = model.CountedVote is { } counted && _headAfterVote.TryGetValue(counted, out var withNotice) ? withNotice : _head;
        // The token is base64url: nothing in it needs HTML encoding.
        var results = _encoder.Encode(model.ResultsText ?? UnavailableText);
        var page = string.Concat(head, VoteToken.New(), _buttons, results, ResultsEnd, Figures(results),
            model.NoVotesYet ? _middleNoVotes : _middle, _showDetails ? _encoder.Encode(model.Store ?? "unknown") : "",
            model.FeatureFlagSet ? _endFlagOn : _endFlagOff);
        response.ContentType = HtmlContentType;
        response.Headers.CacheControl = CacheControl;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Known up front, so HEAD answers it too (HeadRequests).
        response.ContentLength = Encoding.UTF8.GetByteCount(page);
        return response.WriteAsync(page);
    }

    // The results line is what the curl loop prints; people see it drawn again with each figure in a box of its
    // own, so that a narrow screen breaks the line between figures ("Cats: 9/23465 (0%) | Dogs: …"), never inside one.
    private const string ResultsEnd = " </div>\n<p class=\"figures\" aria-hidden=\"true\">";

    private static string Figures(string encodedResults) =>
        "<span>" + encodedResults.Replace(" | ", "</span> | <span>", StringComparison.Ordinal) + "</span>";

    /// <summary>
    /// A short page, in the page's own style, for a vote that was refused (400, 403, 409, 429) or not
    /// confirmed (504), maybe offering it again, and for any other problem a browser is answered with (404).
    /// </summary>
    public string RenderProblem(string heading, string message, VoteRetry? retry = null) =>
        Top(_encoder.Encode(heading)) + $$"""
        <h1>{{_encoder.Encode(heading)}}</h1>
        <p id="problem">{{_encoder.Encode(message)}}</p>
        {{(retry is null ? "" : RetryForm(retry))}}
        <p><a href="/">Back to the voting page</a></p>
        </main>
        </body>
        </html>

        """;

    private string RetryForm(VoteRetry retry) =>
        $"<form id=\"retry\" class=\"again\" method=\"post\" action=\"/\"><input type=\"hidden\" name=\"{VoteToken.FormField}\" value=\"{_encoder.Encode(retry.Token)}\">"
        + $"<button name=\"vote\" value=\"{_encoder.Encode(retry.Option)}\">Send my vote for {_encoder.Encode(retry.Option)} again</button></form>";
}
