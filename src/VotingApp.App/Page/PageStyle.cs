using System.Security.Cryptography;
using System.Text;

namespace VotingApp.App.Page;

/// <summary>
/// The one stylesheet of the voting page and of its problem pages, sent inline, and the Content-Security-Policy
/// that allows exactly it (by its hash) and never any script. Its colours pass WCAG AA (4.5:1 for text, 3:1
/// for the focus ring). On a phone the card keeps a margin, a long word (a trace id) breaks rather than run
/// out of it, and the tally breaks between its figures, never inside one: the results line itself is read by
/// screen readers and the curl loop, and drawn again in boxes (VotingPage). No selector names the tally's id:
/// the page must have just one line with that word, for the curl loop.
/// </summary>
public static class PageStyle
{
    public const string Css = """

        * { box-sizing: border-box; }
        body { font-family: system-ui, sans-serif; background: #f4f6f8; color: #1f2933; margin: 0; padding: 0 1rem; }
        main { max-width: 36rem; margin: clamp(1rem, 6vw, 3rem) auto; background: #fff; border-radius: .75rem; padding: clamp(1.25rem, 5vw, 2rem); box-shadow: 0 1px 4px #0002; text-align: center; }
        h1 { font-size: 1.8rem; margin: 0 0 1.5rem; }
        h1, p { overflow-wrap: anywhere; }
        a { color: #1a63c9; }
        button { font: inherit; cursor: pointer; }
        :focus-visible { outline: 3px solid #1f2933; outline-offset: 2px; }
        .vote button, .again button { font-size: 1.2rem; padding: .8rem 1.6rem; margin: .3rem; border: 0; border-radius: .5rem; color: #fff; background: #1a63c9; }
        .vote .option2 { background: #c92a2a; } .vote .reset { background: #6b7280; }
        .notice { background: #e7f6ec; color: #14532d; border-radius: .5rem; padding: .6rem 1rem; margin: 0 0 1rem; }
        .tally div { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
        .tally .figures { font-size: 1.3rem; margin: 1.5rem 0 .5rem; color: inherit; } .figures span { display: inline-block; }
        .tally p { color: #52606d; margin: 0; }
        footer { font-size: .85rem; color: #52606d; margin-top: 1.5rem; }
        footer form { display: inline; } footer p, footer div { margin: .4rem 0; }
        footer button { color: #1a63c9; background: none; border: 0; padding: 0; text-decoration: underline; }
        footer button:disabled { color: #52606d; text-decoration: none; cursor: default; }

        """;

    /// <summary>The &lt;style&gt; element every page of the app carries; its content is exactly <see cref="Css"/>.</summary>
    public const string Element = "<style>" + Css + "</style>";

    private static readonly string StyleHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)));

    /// <summary>The voting page's policy, and a problem page's that offers the vote again: forms post only to this site.</summary>
    public static readonly string PolicyWithForms = Policy("'self'");

    /// <summary>A problem page without a form: it may post nothing.</summary>
    public static readonly string PolicyWithoutForms = Policy("'none'");

    private static string Policy(string formAction) =>
        $"default-src 'none'; style-src 'sha256-{StyleHash}'; img-src data:; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
}
