using VotingApp.ServiceDefaults;

namespace VotingApp.App.Page;

public static class VotingPageRegistration
{
    public static void AddVotingPage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<AppSettings>(builder.Configuration, settings => settings.Problems());
        builder.Services.AddValidatedSettings<VoteOptions>(builder.Configuration, options => options.Problems());
        builder.Services.AddSingleton<VotingPage>();
    }
}
