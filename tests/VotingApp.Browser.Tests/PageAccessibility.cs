using System.Globalization;
using Microsoft.Playwright;

namespace VotingApp.Browser.Tests;

/// <summary>
/// What WCAG 2 asks of the page, measured in Chromium on the styles it really computed: every text against
/// the background behind it at least 4.5:1 (1.4.3, AA, taken for all text), and a focus ring at least 2 px
/// thick and 3:1 against what is around it (2.4.7 visible, thickness as 2.4.13 counts it).
/// </summary>
public static class PageAccessibility
{
    public const double TextContrast = 4.5;
    public const double FocusContrast = 3.0;

    // Each element with text of its own: "text|color|background", the background the first opaque one of it or its ancestors.
    private const string TextColors = """
        () => {
          const transparent = c => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
          const behind = el => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (!transparent(c)) return c; } return 'rgb(255, 255, 255)'; };
          const found = [];
          for (const el of document.body.querySelectorAll('*')) {
            const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(' ');
            if (own && el.getClientRects().length) found.push(own + '|' + getComputedStyle(el).color + '|' + behind(el));
          }
          return found;
        }
        """;

    // The focused element: "tag text|outline-style|outline-width|outline-color|background around it".
    private const string FocusRing = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return '';
          const transparent = c => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
          const behind = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (!transparent(c)) return c; } return 'rgb(255, 255, 255)'; };
          const s = getComputedStyle(el);
          return el.tagName.toLowerCase() + ' ' + el.textContent.trim() + '|' + s.outlineStyle + '|' + s.outlineWidth + '|' + s.outlineColor + '|' + behind(el.parentElement);
        }
        """;

    /// <summary>Every text of the page below 4.5:1, with its colours; none when all pass. Also the number of texts measured.</summary>
    public static async Task<(int Measured, IReadOnlyList<string> Failures)> TextBelowAaAsync(IPage page)
    {
        var texts = await page.EvaluateAsync<string[]>(TextColors);
        var failures = new List<string>();
        foreach (var entry in texts)
        {
            var (text, color, background) = Split3(entry);
            var ratio = Ratio(color, background);
            if (ratio < TextContrast) failures.Add($"'{text}': {color} on {background} is {ratio:0.00}:1");
        }

        return (texts.Length, failures);
    }

    /// <summary>
    /// Tabs through the page as a keyboard user does and returns, for each control reached, a problem with its
    /// focus ring (none, thinner than 2 px, below 3:1 against its surroundings); also the controls reached.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Reached, IReadOnlyList<string> Failures)> FocusRingProblemsAsync(IPage page)
    {
        var reached = new List<string>();
        var failures = new List<string>();
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        for (var presses = 0; presses < 30; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            var ring = await page.EvaluateAsync<string>(FocusRing);
            if (ring.Length == 0) break;
            var parts = ring.Split('|');
            if (reached.Contains(parts[0])) break;
            reached.Add(parts[0]);
            var (style, width, color, around) = (parts[1], parts[2], parts[3], parts[4]);
            var pixels = double.Parse(width.Replace("px", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            if (style is "none" or "auto" || pixels < 2 || Ratio(color, around) < FocusContrast)
            {
                failures.Add($"{parts[0]}: outline {style} {width} {color} around {around} ({Ratio(color, around):0.00}:1)");
            }
        }

        return (reached, failures);
    }

    /// <summary>The contrast ratio of two CSS colours as Chromium computes them (rgb(r, g, b)), WCAG 2's formula.</summary>
    public static double Ratio(string first, string second)
    {
        var (a, b) = (Luminance(first), Luminance(second));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    private static double Luminance(string color)
    {
        var channels = color[(color.IndexOf('(') + 1)..color.IndexOf(')')].Split(',', StringSplitOptions.TrimEntries)
            .Select(channel => double.Parse(channel, CultureInfo.InvariantCulture)).ToArray();
        if (channels.Length == 4 && channels[3] < 1)
        {
            throw new InvalidOperationException($"{color} is translucent: its contrast depends on what is behind it");
        }

        static double Linear(double channel)
        {
            var c = channel / 255;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return 0.2126 * Linear(channels[0]) + 0.7152 * Linear(channels[1]) + 0.0722 * Linear(channels[2]);
    }

    private static (string, string, string) Split3(string entry)
    {
        // The text itself may contain '|' (the tally does): the two colours are the last two fields.
        var last = entry.LastIndexOf('|');
        var middle = entry.LastIndexOf('|', last - 1);
        return (entry[..middle], entry[(middle + 1)..last], entry[(last + 1)..]);
    }
}
