using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// The rate-limit key of a connecting worker, as upstream computes it (docs/protocol.md#auth-rate-limit): the raw
/// <c>Forwarded</c> header, else the first <c>X-Forwarded-For</c> item, else <c>unknown-client</c>.
/// Kept byte-compatible on purpose; it is spoofable, which is why the limiter also evicts stale entries.
/// </summary>
internal static class ClientIdentity
{
    /// <summary>The shared bucket of all un-proxied clients.</summary>
    public const string Unknown = "unknown-client";

    /// <summary>Computes the identity from request headers.</summary>
    public static string From(IHeaderDictionary headers)
    {
        if (headers.TryGetValue("Forwarded", out var forwarded) && forwarded.Count > 0 && forwarded[0] is { } raw)
        {
            return raw;
        }

        if (headers.TryGetValue("X-Forwarded-For", out var xff) && xff.Count > 0 && xff[0] is { } list)
        {
            var comma = list.IndexOf(',', StringComparison.Ordinal);
            var first = (comma < 0 ? list : list[..comma]).Trim();
            if (first.Length > 0)
            {
                return first;
            }
        }

        return Unknown;
    }
}
