namespace VotingApp.App;

/// <summary>What the voting page shows and allows (TITLE, SHOWDETAILS, FEATUREFLAG, RESET_ENABLED, RESET_LIMIT_PER_MINUTE).</summary>
public sealed class AppSettings
{
    public const int MaxTitleLength = 200;

    [ConfigurationKeyName("TITLE")]
    public string Title { get; set; } = "Voting App";

    /// <summary>Footer shows the host name, the app version and the store the votes went to.</summary>
    [ConfigurationKeyName("SHOWDETAILS")]
    public bool ShowDetails { get; set; }

    /// <summary>Footer shows whether the featureflag cookie is set, with buttons to set and clear it.</summary>
    [ConfigurationKeyName("FEATUREFLAG")]
    public bool FeatureFlag { get; set; }

    /// <summary>The page offers Reset and POST / takes vote=reset; off for a public site, where one visitor must not clear everyone's votes.</summary>
    [ConfigurationKeyName("RESET_ENABLED")]
    public bool ResetEnabled { get; set; } = true;

    public const int MaxResetsPerMinute = 1000;

    /// <summary>Resets one client (address) may ask for in a minute; past it, 429.</summary>
    [ConfigurationKeyName("RESET_LIMIT_PER_MINUTE")]
    public int ResetLimitPerMinute { get; set; } = 6;

    public IEnumerable<string> Problems()
    {
        if (ResetLimitPerMinute is < 1 or > MaxResetsPerMinute)
        {
            yield return $"RESET_LIMIT_PER_MINUTE is {ResetLimitPerMinute}; it must be from 1 to {MaxResetsPerMinute}.";
        }

        if (string.IsNullOrWhiteSpace(Title))
        {
            yield return "TITLE must not be empty.";
        }
        else if (Title.Length > MaxTitleLength)
        {
            yield return $"TITLE is {Title.Length} characters long; at most {MaxTitleLength} are allowed.";
        }
    }
}
