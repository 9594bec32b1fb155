using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using VotingApp.ServiceDefaults;

namespace VotingApp.App.Page;

/// <summary>What one rendering of the page shows.</summary>
/// <param name="ResultsText">The results line, or null when the results could not be read.</param>
/// <param name="Store">The store storage reported ("redis", "mysql"), or null when unknown.</param>
public sealed record VotingPageModel(string? ResultsText, string? Store, bool FeatureFlagSet);

/// <summary>A vote to offer again on the problem page: the same option with the same token.</summary>
public sealed record VoteRetry(string Option, string Token);

/// <summary>
/// The voting page, as compiled C#: everything that depends only on the settings (title, buttons, styles)
/// is encoded and joined once at start, as UTF-8, so a request only adds its vote token, the results line and
/// the store. The vote form carries a fresh token per rendering (<see cref="VoteToken"/>). Every
/// value placed in the HTML is HTML-encoded. The results stay on one line,
/// <c>&lt;div id="results"&gt; TEXT &lt;/div&gt;</c>, the only line with that word, so that
/// <c>curl -s HOST | grep results</c> prints exactly it.
/// </summary>
public sealed class VotingPage
{
    public const string UnavailableText = "Results are unavailable right now";

    public const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>A problem page's policy: no style, no script; its one form (send the vote again) posts only to this site.</summary>
    public const string ProblemPolicyWithForm = "default-src 'none'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Every rendering carries a fresh vote token: no cache (a browser's back button, a shared proxy) may keep one.</summary>
    public const string CacheControl = "no-store";

    /// <summary>
    /// No script at all, never framed, forms post only to this page; the one inline style allowed by its
    /// hash (computed at start from the style the page really sends) and the data: favicon.
    /// </summary>
    public string ContentSecurityPolicy { get; }

    // The page is _head + vote token + _buttons + results line + _middle + store (with SHOWDETAILS) + one of the two ends.
    private readonly byte[] _head;
    private readonly byte[] _buttons;
    private readonly byte[] _middle;
    private readonly byte[] _endFlagOn;
    private readonly byte[] _endFlagOff;
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
        var top = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}}</title>
            <link rel="icon" href="data:,">
            <style>
            body { font-family: system-ui, sans-serif; background: #f4f6f8; color: #1f2933; margin: 0; }
            main { max-width: 36rem; margin: 3rem auto; background: #fff; border-radius: .75rem; padding: 2rem; box-shadow: 0 1px 4px #0002; text-align: center; }
            h1 { font-size: 1.8rem; margin: 0 0 1.5rem; }
            .vote button { font-size: 1.2rem; padding: .8rem 1.6rem; margin: .3rem; border: 0; border-radius: .5rem; color: #fff; cursor: pointer; }
            .vote .option1 { background: #2f80ed; } .vote .option2 { background: #eb5757; } .vote .reset { background: #6b7280; }
            .tally div { font-size: 1.3rem; margin: 1.5rem 0 .5rem; }
            footer { font-size: .85rem; color: #52606d; margin-top: 1.5rem; }
            footer form { display: inline; } footer p, footer div { margin: .4rem 0; } footer button { font: inherit; color: #2f80ed; background: none; border: 0; text-decoration: underline; cursor: pointer; }
            </style>
            </head>
            <body>
            <main>
            <h1>{{title}}</h1>
            <form class="vote" method="post" action="/">
            <input type="hidden" name="{{VoteToken.FormField}}" value="
            """;
        var buttons = $$"""
            ">
            <button class="option1" name="vote" value="{{vote1}}">{{vote1}}</button>
            <button class="option2" name="vote" value="{{vote2}}">{{vote2}}</button>
            {{(app.ResetEnabled ? $"<button class=\"reset\" name=\"vote\" value=\"{Ballot.ResetValue}\">Reset</button>\n" : "")}}</form>
            <section class="tally">

            """;
        // A raw string ends before the line break of its closing quotes: the token follows value=" directly.
        _head = Encoding.UTF8.GetBytes(top);
        _buttons = Encoding.UTF8.GetBytes(buttons + "<div id=\"results\"> ");
        ContentSecurityPolicy = PolicyFor(top);
        _middle = Encoding.UTF8.GetBytes(" </div>\n</section>\n"
            + (footer ? "<footer>\n" : "")
            + (_showDetails
                ? $"<p id=\"details\">Host: {_encoder.Encode(Environment.MachineName)} &middot; App version: {_encoder.Encode(identity.Version)} &middot; Store: "
                : ""));
        _endFlagOn = Encoding.UTF8.GetBytes(End(flagSet: true));
        _endFlagOff = Encoding.UTF8.GetBytes(End(flagSet: false));

        string End(bool flagSet) =>
            (_showDetails ? "</p>\n" : "")
            + (app.FeatureFlag
                ? "<div id=\"featureflag\">Feature flag: " + (flagSet ? "<strong>on</strong>" : "off")
                  + " &middot; <form method=\"post\" action=\"/featureflag/set\"><button id=\"set-featureflag\">Set feature flag</button></form>"
                  + " &middot; <form method=\"post\" action=\"/featureflag/clear\"><button id=\"clear-featureflag\">Clear feature flag</button></form></div>\n"
                : "")
            + (footer ? "</footer>\n" : "")
            + "</main>\n</body>\n</html>\n";
    }

    /// <summary>
    /// Writes the page as UTF-8 straight into the response: the fixed parts were encoded once, at start,
    /// so a request costs the results line and the store name (HTML-encoded; no copy when nothing needs
    /// escaping) and one buffer write, not a 2 KB string built, copied and transcoded per request.
    /// </summary>
    public Task WriteAsync(HttpResponse response, VotingPageModel model)
    {
        if (BenchSwitches.IsOff("page"))
        {
            return response.Body.WriteAsync(_head).AsTask();
        }

        var results = _encoder.Encode(model.ResultsText ?? UnavailableText);
        var store = _showDetails ? _encoder.Encode(model.Store ?? "unknown") : "";
        var end = model.FeatureFlagSet ? _endFlagOn : _endFlagOff;
        // base64url: nothing in it needs HTML encoding, and it is ASCII (one byte a character).
        var token = VoteToken.New();
        response.ContentType = HtmlContentType;
        response.Headers.CacheControl = CacheControl;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.ContentLength = _head.Length + token.Length + _buttons.Length + Encoding.UTF8.GetByteCount(results) + _middle.Length
            + Encoding.UTF8.GetByteCount(store) + end.Length;
        var writer = response.BodyWriter;
        writer.Write(_head);
        Encoding.ASCII.GetBytes(token, writer);
        writer.Write(_buttons);
        Encoding.UTF8.GetBytes(results, writer);
        writer.Write(_middle);
        Encoding.UTF8.GetBytes(store, writer);
        writer.Write(end);
        return writer.FlushAsync().AsTask();
    }

    private static string PolicyFor(string page)
    {
        var start = page.IndexOf("<style>", StringComparison.Ordinal) + "<style>".Length;
        var style = page[start..page.IndexOf("</style>", start, StringComparison.Ordinal)];
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
        return $"default-src 'none'; style-src 'sha256-{hash}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    /// <summary>A short page for a vote that was refused (400, 409) or not confirmed (503), maybe offering it again.</summary>
    public string RenderProblem(string heading, string message, VoteRetry? retry = null) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{{_encoder.Encode(heading)}}</title><link rel="icon" href="data:,"></head>
        <body>
        <main>
        <h1>{{_encoder.Encode(heading)}}</h1>
        <p id="problem">{{_encoder.Encode(message)}}</p>
        {{(retry is null ? "" : RetryForm(retry))}}
        <p><a href="/">Back to the voting page</a></p>
        </main>
        </body>
        </html>

        """;

    private string RetryForm(VoteRetry retry) =>
        $"<form id=\"retry\" method=\"post\" action=\"/\"><input type=\"hidden\" name=\"{VoteToken.FormField}\" value=\"{_encoder.Encode(retry.Token)}\">"
        + $"<button name=\"vote\" value=\"{_encoder.Encode(retry.Option)}\">Send my vote for {_encoder.Encode(retry.Option)} again</button></form>";
}
