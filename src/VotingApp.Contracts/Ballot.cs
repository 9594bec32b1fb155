using Microsoft.Extensions.Configuration;

namespace VotingApp.Contracts;

/// <summary>
/// The two things to vote for (VOTE1VALUE, VOTE2VALUE), read by the app (its buttons) and by storage
/// (which options it counts). Defaults: Cats and Dogs.
/// </summary>
public sealed class Ballot
{
    /// <summary>Long enough for any sensible label, short enough to be a database key.</summary>
    public const int MaxLength = 64;

    /// <summary>The word a voter sends to zero both counts; it cannot be an option itself.</summary>
    public const string ResetValue = "reset";

    /// <summary>The variables, as the AppHost passes them on.</summary>
    public static readonly IReadOnlyList<string> Settings = ["VOTE1VALUE", "VOTE2VALUE"];

    [ConfigurationKeyName("VOTE1VALUE")]
    public string Vote1Value { get; set; } = "Cats";

    [ConfigurationKeyName("VOTE2VALUE")]
    public string Vote2Value { get; set; } = "Dogs";

    public IReadOnlyList<string> All => [Vote1Value, Vote2Value];

    /// <summary>The configured option equal to <paramref name="value"/>, or null when there is none.</summary>
    public string? Find(string? value) =>
        value is null ? null : All.FirstOrDefault(option => string.Equals(option, value, StringComparison.Ordinal));

    /// <summary>Every problem with the two values, each naming its variable.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[] { ("VOTE1VALUE", Vote1Value), ("VOTE2VALUE", Vote2Value) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{name} must not be empty.";
            }
            else if (value.Length > MaxLength)
            {
                yield return $"{name} is {value.Length} characters long; at most {MaxLength} are allowed.";
            }
            else if (string.Equals(value, ResetValue, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{name} must not be '{ResetValue}': that word resets the votes.";
            }
        }

        if (string.Equals(Vote1Value, Vote2Value, StringComparison.Ordinal))
        {
            yield return $"VOTE1VALUE and VOTE2VALUE are both '{Vote1Value}'; they must differ.";
        }
    }
}
