using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Connection;

/// <summary>Creates one Websocket.Client link per session, addressed per docs/protocol.md#connect.</summary>
internal sealed class WebsocketProxyLinkFactory(WorkerOptions options) : IProxyLinkFactory
{
    // A URL that does not parse throws here, inside the session: it is retried with backoff like upstream.
    public IProxyLink Create()
        => new WebsocketProxyLink(new Uri(ProxyUrl.ForWorker(options.ProxyUrl, options.Provider)), options.WorkerSecret);
}
