namespace VotingApp.App;

/// <summary>What the voting page shows (TITLE, SHOWDETAILS, FEATUREFLAG).</summary>
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

    public IEnumerable<string> Problems()
    {
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
