using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>
/// The cookie voting-track=&lt;this app's version&gt; on every page the app answers with, so that a
/// visitor whom a weighted route sent to a version stays on it: the Gateway API track's weighted step
/// (gateway-api/step-3c-...) routes a request carrying the cookie to that version, and only visitors without
/// it by weight (docs/gateway-api-walkthrough.md, "Sticky"). A session cookie: it ends with the browser
/// session. Sent only when the visitor's cookie differs, and only with a page: a vote or a feature-flag
/// button answers with a redirect to the page, which sets it (a browser shows a page before it can post).
/// </summary>
public static class TrackCookie
{
    public const string Name = "voting-track";

    public static void UseTrackCookie(this WebApplication app)
    {
        var version = app.Services.GetRequiredService<ServiceIdentity>().Version;
        app.Use((context, next) =>
        {
            if (context.Request.Cookies[Name] != version)
            {
                context.Response.OnStarting(() =>
                {
                    var response = context.Response;
                    if (response.StatusCode == StatusCodes.Status200OK && response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
                    {
                        response.Cookies.Append(Name, version, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
                    }

                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
    }
}
