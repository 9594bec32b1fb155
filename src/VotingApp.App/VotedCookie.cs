using VotingApp.Contracts;

namespace VotingApp.App;

/// <summary>
/// The cookie voted=N (N: the option's place on the ballot) that the 303 after a counted vote carries, so
/// that the page it leads to says once "Your vote for Cats was counted.": no script, and no query string that
/// a link could fake or a reload repeat. The page takes it (removes it) as it shows the sign.
/// </summary>
public static class VotedCookie
{
    public const string Name = "voted";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public static void Set(HttpResponse response, Ballot ballot, string option) =>
        response.Cookies.Append(Name, string.Equals(option, ballot.Vote1Value, StringComparison.Ordinal) ? "1" : "2", new CookieOptions
        {
            Path = "/",
            MaxAge = Lifetime,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });

    /// <summary>The option the visitor's last vote was counted for, or null; the cookie is removed either way.</summary>
    public static string? Take(HttpContext context, Ballot ballot)
    {
        if (context.Request.Cookies[Name] is not { } value) return null;
        context.Response.Cookies.Delete(Name, new CookieOptions { Path = "/" });
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var place)
            && place >= 1 && place <= ballot.All.Count ? ballot.All[place - 1] : null;
    }
}
