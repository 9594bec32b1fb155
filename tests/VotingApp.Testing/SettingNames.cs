using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace VotingApp.Testing;

/// <summary>The variables an options class is bound from: its properties' [ConfigurationKeyName] names.</summary>
public static class SettingNames
{
    /// <summary>Every settable property must carry a name: one without is bound under its C# name, which no operator sets.</summary>
    public static IReadOnlyList<string> Of(params Type[] optionsTypes) =>
    [
        .. optionsTypes
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite))
            .Select(property => property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name} has no [ConfigurationKeyName]")),
    ];
}
