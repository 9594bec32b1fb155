using System.Buffers.Text;
using System.Security.Cryptography;

namespace VotingApp.Contracts;

/// <summary>
/// The token that makes a vote safe to send again: the page carries a fresh one in its form, the app passes
/// it to storage as the Idempotency-Key header, and storage counts each token once (the header as in the
/// IETF draft "The Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header).
/// </summary>
public static class VoteToken
{
    public const string Header = "Idempotency-Key";

    /// <summary>The form field of the voting page that carries the token.</summary>
    public const string FormField = "token";

    /// <summary>Long enough for any client's own key (a UUID, a base64 hash), short enough for a database key.</summary>
    public const int MaxLength = 64;

    /// <summary>128 random bits from the operating system's generator, base64url: 22 characters, unguessable.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>1–64 characters of A–Z, a–z, 0–9, '-', '_' (base64url, UUIDs): safe in HTML, logs and keys.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: > 0 and <= MaxLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public const string Rule = "1-64 characters of A-Z, a-z, 0-9, '-' and '_'";
}
