using Microsoft.AspNetCore.Http;

namespace VotingApp.App.Tests;

public class FeatureFlagCookieTests
{
    [Fact]
    public void Set_writes_featureflag_on_for_15_minutes_on_the_whole_site()
    {
        var context = new DefaultHttpContext();
        FeatureFlagCookie.Set(context.Response);
        var header = context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith("featureflag=on;", header);
        Assert.Contains("path=/", header);
        Assert.Contains("max-age=900", header);
    }

    [Fact]
    public void Clear_expires_the_cookie()
    {
        var context = new DefaultHttpContext();
        FeatureFlagCookie.Clear(context.Response);
        var header = context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith("featureflag=;", header);
        Assert.Contains("expires=Thu, 01 Jan 1970", header);
        Assert.Contains("path=/", header);
    }

    [Theory]
    [InlineData("featureflag=on", true)]
    [InlineData("a=1; featureflag=on; b=2", true)]
    [InlineData("featureflag=off", false)]
    [InlineData("featureflag=onion", false)]
    [InlineData("xfeatureflag=on", false)]
    [InlineData("", false)]
    public void IsSet_reads_the_cookie_among_others(string cookieHeader, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookieHeader;
        Assert.Equal(expected, FeatureFlagCookie.IsSet(context.Request));
    }
}
