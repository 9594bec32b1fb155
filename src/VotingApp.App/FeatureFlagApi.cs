namespace VotingApp.App;

public static class FeatureFlagApi
{
    /// <summary>POST /featureflag/set and /featureflag/clear: set or remove the cookie, then back to the page.</summary>
    public static void MapFeatureFlag(this WebApplication app)
    {
        var flag = app.MapGroup("/featureflag");
        flag.MapPost("/set", (HttpResponse response) =>
        {
            FeatureFlagCookie.Set(response);
            return BackToPage();
        });
        flag.MapPost("/clear", (HttpResponse response) =>
        {
            FeatureFlagCookie.Clear(response);
            return BackToPage();
        });
    }

    /// <summary>303, so that a browser's reload after the redirect does not post again.</summary>
    public static IResult BackToPage() => SeeOtherPage;

    private static readonly SeeOther SeeOtherPage = new("/");

    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
