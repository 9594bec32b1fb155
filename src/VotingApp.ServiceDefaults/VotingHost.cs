using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace VotingApp.ServiceDefaults;

/// <summary>How every voting service creates its host: the slim builder, without configuration reload.</summary>
public static class VotingHost
{
    /// <summary>
    /// The builder meant for Native AOT; files read once, not watched (an inotify watch per folder; settings change
    /// by a restart). ASPNETCORE_ variables are added again after appsettings.Local.json, so the environment wins.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        string[] arguments = [.. args, "--hostBuilder:reloadConfigOnChange=false"];
        var builder = WebApplication.CreateSlimBuilder(arguments);
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(arguments);
        builder.Services.ReportOnStart(ListenSettings.Problems(builder.Configuration));
        return builder;
    }
}
