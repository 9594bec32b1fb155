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
            return BackToPage.Result;
        });
        flag.MapPost("/clear", (HttpResponse response) =>
        {
            FeatureFlagCookie.Clear(response);
            return BackToPage.Result;
        });
    }
}
