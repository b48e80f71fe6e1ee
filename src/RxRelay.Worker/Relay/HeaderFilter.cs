using System.Collections.Frozen;
using System.Net.Http.Headers;

namespace RxRelay.Worker.Relay;

/// <summary>
/// Which headers cross the worker in each direction. Upstream forwards hop-by-hop headers and the
/// client's <c>accept-encoding</c>, and collapses repeated response headers to the last value
/// (docs/differences-from-upstream.md#worker-header-filter); here hop-by-hop headers stop at the worker and repeated values are combined.
/// </summary>
internal static class HeaderFilter
{
    // Connection-level headers (RFC 9110 7.6.1) and the ones the HTTP client computes itself.
    // accept-encoding is replaced by the handler's own so the worker can always decompress;
    // content-type travels on the content, set by BackendRequest.
    private static readonly FrozenSet<string> NotForwarded = FrozenSet.ToFrozenSet(
        ["content-length", "connection", "host", "keep-alive", "te", "transfer-encoding", "upgrade",
         "expect", "trailer", "accept-encoding", "content-type", "http2-settings"],
        StringComparer.OrdinalIgnoreCase);

    // Framing headers describe the backend hop, not the body the worker hands on (already decoded).
    private static readonly FrozenSet<string> NotReturned = FrozenSet.ToFrozenSet(
        ["content-length", "connection", "transfer-encoding", "content-encoding", "keep-alive", "host"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Copies the forwardable request headers onto <paramref name="message"/>; invalid ones are skipped.</summary>
    public static void CopyRequestHeaders(IReadOnlyDictionary<string, string> headers, HttpRequestMessage message)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (name, value) in headers)
        {
            if (!IsForwardable(name) || !IsValidRequestValue(value))
            {
                continue;
            }

            // Content headers (content-language…) are rejected by the request collection; put them on the content.
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    /// <summary>True for a syntactically valid name that is not hop-by-hop or computed by the client.</summary>
    public static bool IsForwardable(string name)
        => IsToken(name) && !NotForwarded.Contains(name)
           && !name.StartsWith("proxy-", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The backend's headers as the proxy should replay them: lowercase names, framing headers dropped,
    /// repeated headers (including <c>set-cookie</c>) combined with ", ", non-visible-ASCII values dropped.
    /// </summary>
    public static Dictionary<string, string> ResponseHeaders(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(response.Headers.NonValidated, result);
        Collect(response.Content.Headers.NonValidated, result);
        return result;
    }

    private static void Collect(HttpHeadersNonValidated headers, Dictionary<string, string> result)
    {
        foreach (var (rawName, values) in headers)
        {
            var name = rawName.ToLowerInvariant();
            if (NotReturned.Contains(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (IsVisibleAscii(value))
                {
                    result[name] = result.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
                }
            }
        }
    }

    /// <summary>An RFC 9110 token: what a header name may be.</summary>
    internal static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-.^_`|~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Visible ASCII, space and tab: what the proxy forwards and what the wire can carry.</summary>
    internal static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidRequestValue(string? value) => value is not null && IsVisibleAscii(value);
}
