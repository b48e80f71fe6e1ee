using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RxRelay.Proxy.Hosting;

/// <summary>
/// Binds the proxy's listeners (the client API, <c>--metrics-listen</c>, <c>--peer-listen</c>) from validated
/// <c>ip:port</c> / <c>localhost:port</c> text, and tells, per request, which marked listener it arrived on.
/// </summary>
internal static class KestrelListeners
{
    /// <summary>Listens on <paramref name="listen"/>; with <paramref name="mark"/>, every connection accepted there carries it.</summary>
    public static void Listen(KestrelServerOptions kestrel, string listen, string? mark = null)
    {
        Action<ListenOptions> configure = mark is null
            ? static _ => { }
            : endpoint => endpoint.Use(next => connection =>
            {
                connection.Items[mark] = true;
                return next(connection);
            });
        if (IPEndPoint.TryParse(listen, out var address))
        {
            kestrel.Listen(address, configure);
            return;
        }

        kestrel.ListenLocalhost(int.Parse(listen[(listen.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture), configure);
    }

    /// <summary>True when the request's connection was accepted on the listener marked <paramref name="mark"/>.</summary>
    public static bool ArrivedOn(HttpContext context, string mark) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(mark) == true;
}
