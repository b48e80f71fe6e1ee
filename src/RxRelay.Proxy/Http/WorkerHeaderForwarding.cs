using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Http;

/// <summary>
/// The client headers sent to the worker (docs/protocol.md#http-forwarded-headers): all except <c>content-length</c>,
/// <c>connection</c>, <c>host</c>; names lowercase; values that are not visible ASCII dropped; a repeated
/// header keeps only its last value.
/// </summary>
/// <remarks>
/// This is upstream's rule, kept on purpose: the upstream worker applies its own filtering and some
/// deployments rely on e.g. <c>authorization</c> reaching the backend. docs/differences-from-upstream.md#kept-header-forwarding says what
/// that forwards (hop-by-hop headers, cookies, the proxy's own API key); RxRelay keeps the wire behaviour.
/// </remarks>
internal static class WorkerHeaderForwarding
{
    /// <summary>Builds the header map of a worker <c>request</c>, sorted by name as the wire emits it.</summary>
    public static IReadOnlyDictionary<string, string> From(IHeaderDictionary headers)
    {
        var forwarded = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower is "content-length" or "connection" or "host" || values.Count == 0)
            {
                continue;
            }

            // Kestrel folds repeated headers into one StringValues. Upstream inserts each valid value in turn,
            // so the last visible-ASCII value wins and invalid ones are skipped.
            foreach (var value in values)
            {
                if (value is not null && HeaderText.IsVisibleAscii(value))
                {
                    forwarded[lower] = value;
                }
            }
        }

        return forwarded;
    }
}
