using VotingApp.ServiceDefaults;

namespace VotingApp.App.Page;

public static class VotingPageRegistration
{
    public static void AddVotingPage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<AppSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddValidatedSettings<Ballot>(ballot => ballot.Problems()).Bind(builder.Configuration);
        builder.Services.AddSingleton<VotingPage>();
        builder.Services.AddSingleton<ResetThrottle>();
    }
}
