namespace VotingApp.App;

/// <summary>
/// The cookie featureflag=on that the Istio VirtualService matches to send a voter to app 2.0. It lives
/// 15 minutes on path "/", so the canary is opt-in and wears off by itself.
/// </summary>
public static class FeatureFlagCookie
{
    public const string Name = "featureflag";
    public const string OnValue = "on";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public static bool IsSet(HttpRequest request) =>
        string.Equals(request.Cookies[Name], OnValue, StringComparison.Ordinal);

    public static void Set(HttpResponse response) => response.Cookies.Append(Name, OnValue, new CookieOptions
    {
        Path = "/",
        MaxAge = Lifetime,
        Expires = DateTimeOffset.UtcNow.Add(Lifetime),
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
    });

    public static void Clear(HttpResponse response) => response.Cookies.Delete(Name, new CookieOptions { Path = "/" });
}
