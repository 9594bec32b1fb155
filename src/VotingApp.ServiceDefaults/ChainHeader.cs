using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>Every answer, error pages too, names this version in x-voting-chain unless its endpoint composed the chain.</summary>
internal static class ChainHeader
{
    private static readonly Func<object, Task> SetOwnToken = static state =>
    {
        var context = (HttpContext)state;
        context.Response.Headers.TryAdd(VersionChain.HeaderName, context.RequestServices.GetRequiredService<ServiceIdentity>().ChainToken);
        return Task.CompletedTask;
    };

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(SetOwnToken, context);
        return next(context);
    }
}
