namespace RxRelay.Worker.Connection;

/// <summary>The worker's WebSocket address, built exactly as upstream does (docs/protocol.md#connect).</summary>
internal static class ProxyUrl
{
    /// <summary>The connect path on the proxy.</summary>
    public const string ConnectPath = "/v1/worker/connect";

    /// <summary>
    /// <c>http://</c> becomes <c>ws://</c>, <c>https://</c> becomes <c>wss://</c>, any other scheme is kept;
    /// every trailing <c>/</c> is stripped; the provider goes into the query raw, not URL-encoded.
    /// The secret never appears here: it travels only in the <c>x-worker-secret</c> header.
    /// </summary>
    public static string ForWorker(string proxyUrl, string provider)
    {
        ArgumentNullException.ThrowIfNull(proxyUrl);
        ArgumentNullException.ThrowIfNull(provider);
        var baseUrl = ToWebSocketScheme(proxyUrl).TrimEnd('/');
        return $"{baseUrl}{ConnectPath}?provider={provider}";
    }

    private static string ToWebSocketScheme(string url)
    {
        if (url.StartsWith("http://", StringComparison.Ordinal))
            return string.Concat("ws://", url.AsSpan("http://".Length));
        if (url.StartsWith("https://", StringComparison.Ordinal))
            return string.Concat("wss://", url.AsSpan("https://".Length));
        return url;
    }
}
