using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Connection;

/// <summary>Creates one Websocket.Client link per session, addressed per reference 8.2.</summary>
internal sealed class WebsocketProxyLinkFactory(WorkerOptions options) : IProxyLinkFactory
{
    // A URL that does not parse throws here, inside the session: it is retried with backoff like upstream.
    public IProxyLink Create()
        => new WebsocketProxyLink(new Uri(ProxyUrl.ForWorker(options.ProxyUrl, options.Provider)), options.WorkerSecret);
}
