using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Http;

/// <summary>
/// The client headers sent to the worker (docs/protocol.md#http-forwarded-headers): all except <c>content-length</c>,
/// <c>connection</c>, <c>host</c>; names lowercase; values that are not visible ASCII dropped; a repeated
/// header keeps only its last value. RxRelay also drops the proxy's own client API key: an
/// <c>authorization</c> or <c>x-api-key</c> value holding a <c>mr_live_</c> key never leaves the proxy.
/// </summary>
/// <remarks>
/// Otherwise this is upstream's rule, kept on purpose: the upstream worker applies its own filtering and some
/// deployments rely on e.g. <c>authorization</c> reaching the backend (a backend's own key still does).
/// docs/differences-from-upstream.md#kept-header-forwarding says what that forwards (hop-by-hop headers,
/// cookies); upstream forwards the proxy's key too, which let any worker collect every client's key.
/// </remarks>
internal static class WorkerHeaderForwarding
{
    /// <summary>Builds the header map of a worker <c>request</c>, sorted by name as the wire emits it.</summary>
    /// <param name="headers">The client's request headers.</param>
    /// <param name="requestId">
    /// The request's <c>x-request-id</c> (the client's when sane, else the proxy's), sent in place of whatever
    /// the client sent under that name, so the worker and its backend log the same id as the proxy. RxRelay only.
    /// </param>
    public static IReadOnlyDictionary<string, string> From(IHeaderDictionary headers, string? requestId = null)
    {
        var forwarded = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower is "content-length" or "connection" or "host" || values.Count == 0)
            {
                continue;
            }

            if (lower is "authorization" or "x-api-key" && values.Any(CarriesProxyKey))
            {
                // Dropped whole, all its values: what remains of a header that carried the key is not worth guessing at.
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

        if (requestId is not null)
        {
            forwarded[Monitoring.RequestIds.Header] = requestId;
        }

        return forwarded;
    }

    /// <summary>
    /// True when the value holds one of this proxy's client keys in any form (<c>Bearer mr_live_…</c>, bare,
    /// odd casing or spacing). Matching the key's prefix anywhere is deliberately broad: no backend issues
    /// <c>mr_live_</c> keys, and a revoked or mistyped proxy key must not leak either.
    /// </summary>
    private static bool CarriesProxyKey(string? value) =>
        value is not null && value.Contains(ApiKeyGenerator.KeyPrefix, StringComparison.Ordinal);
}
