using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>
/// The cookie voting-track=&lt;this app's version&gt; on every page and redirect the app answers with, so that a
/// visitor whom a weighted route sent to a version stays on it: the Gateway API track's weighted step
/// (gateway-api/step-3c-...) routes a request carrying the cookie to that version, and only visitors without
/// it by weight (docs/gateway-api-walkthrough.md, "Sticky"). A session cookie: it ends with the browser
/// session. Sent only when the visitor's cookie differs, so a returning visitor's answers stay cacheable.
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
                    var page = response.StatusCode == StatusCodes.Status200OK && response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true;
                    if (page || response.StatusCode == StatusCodes.Status303SeeOther)
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
