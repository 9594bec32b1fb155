using System.Text;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// What Envoy does to a request path before Istio routes and authorizes it, with the mesh default
/// pathNormalization BASE (istio.io/latest/docs/reference/config/security/normalization): percent-escapes of
/// unreserved characters (%2d - . %30-%39 %41-%5a %5f %61-%7a %7e, hex in any case) decoded once, %00
/// refused with 400, backslashes made slashes, "." and ".." segments resolved as RFC 3986 says. %2f and %5c
/// stay encoded and slashes are not merged (MERGE_SLASHES and DECODE_AND_MERGE_SLASHES are not the default).
/// The query is dropped for matching (Envoy PathMatcher and route path: "the query string is removed"); the
/// backend still gets it. Kestrel, behind it, decodes every escape and routes case-insensitively.
/// </summary>
public static class IstioPath
{
    /// <summary>The normalized path without its query, or null when Envoy answers 400.</summary>
    public static string? Normalize(string path)
    {
        var withoutQuery = path.Split('?', '#')[0];
        var decoded = new StringBuilder();
        for (var i = 0; i < withoutQuery.Length; i++)
        {
            if (withoutQuery[i] == '%' && i + 2 < withoutQuery.Length
                && byte.TryParse(withoutQuery.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var value))
            {
                if (value == 0) return null;
                var c = (char)value;
                if (IsDecoded(c))
                {
                    decoded.Append(c);
                    i += 2;
                    continue;
                }
            }

            decoded.Append(withoutQuery[i] == '\\' ? '/' : withoutQuery[i]);
        }

        return RemoveDotSegments(decoded.ToString());
    }

    private static bool IsDecoded(char c) => c is '-' or '.' or '_' or '~' or (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z');

    /// <summary>RFC 3986 section 5.2.4, on an absolute path.</summary>
    private static string RemoveDotSegments(string path)
    {
        var output = new List<string>();
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment == ".")
            {
                if (last) output.Add("");
            }
            else if (segment == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                if (last) output.Add("");
            }
            else
            {
                output.Add(segment);
            }
        }

        return "/" + string.Join('/', output);
    }
}
