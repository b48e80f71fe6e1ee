using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// The private peer listener: a second Kestrel endpoint on <see cref="ClusterOptions.PeerListen"/> whose
/// connections reach <c>POST /peer/v1/forward</c> and nothing else (every other request there is 404, ahead
/// of CORS, metrics, request ids and the API-key guard). The client port never serves the forward route.
/// Without <see cref="ClusterOptions.PeerListen"/> nothing is bound, registered or added to the pipeline.
/// </summary>
internal static class PeerListener
{
    // Set on every connection accepted by the peer listener.
    private const string PeerConnectionKey = "rxrelay.peer-listener";

    /// <summary>Registers the forward endpoint and the client when the listener is configured.</summary>
    public static void AddPeerListener(this IServiceCollection services, ProxyOptions options)
    {
        if (options.Cluster.PeerListen is null)
        {
            return;
        }

        services.AddSingleton<PeerForwardEndpoint>();
        services.AddSingleton(_ => new PeerClient());
    }

    /// <summary>Binds <see cref="ClusterOptions.PeerListen"/>, when set, marking its connections.</summary>
    public static void BindPeerListener(KestrelServerOptions kestrel, ProxyOptions options)
    {
        if (options.Cluster.PeerListen is not { } listen)
        {
            return;
        }

        KestrelListeners.Listen(kestrel, listen, PeerConnectionKey);
    }

    /// <summary>Answers every request of a peer connection; add it first in the pipeline.</summary>
    public static void UsePeerListener(this WebApplication app, ProxyOptions options)
    {
        if (options.Cluster.PeerListen is null)
        {
            return;
        }

        var endpoint = app.Services.GetRequiredService<PeerForwardEndpoint>();
        app.Use((context, next) =>
        {
            if (!IsPeerConnection(context))
            {
                return next(context);
            }

            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(PeerProtocol.ForwardPath, StringComparison.Ordinal))
            {
                return endpoint.HandleAsync(context);
            }

            context.Response.Headers[PeerProtocol.RefusalHeader] = PeerProtocol.Text(PeerRefusal.NotFound);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
    }

    private static bool IsPeerConnection(HttpContext context) => KestrelListeners.ArrivedOn(context, PeerConnectionKey);
}
