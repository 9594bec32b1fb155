using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Every answer names this service's version in x-voting-chain. An endpoint that called another service
/// sets the whole chain itself, with the upstream's answer in hand (<see cref="VersionChain.Compose"/>);
/// this leaves that one as it is. Set as the answer starts, so an error page carries it too.
/// </summary>
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
