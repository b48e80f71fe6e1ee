using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using RxRelay.Protocol;
using RxRelay.Protocol.WebSockets;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Puts a <see cref="FrameHeaderGuardStream"/> under the WebSocket of every worker connect: ASP.NET Core's
/// WebSocket middleware takes the upgraded stream from <see cref="IHttpUpgradeFeature"/>, so this feature
/// wraps that stream and keeps the guard for <see cref="WorkerConnectEndpoint"/> to hand to the frame reader.
/// </summary>
internal sealed class FrameGuardUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    /// <summary>The guard of the upgraded stream; null until the upgrade happened.</summary>
    public FrameHeaderGuard? Guard { get; private set; }

    /// <inheritdoc />
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <inheritdoc />
    public async Task<Stream> UpgradeAsync()
    {
        var guard = new FrameHeaderGuard(WebSocketLimits.MaxFrameBytes, WebSocketLimits.MaxMessageBytes);
        var stream = new FrameHeaderGuardStream(await inner.UpgradeAsync().ConfigureAwait(false), guard);
        Guard = guard;
        return stream;
    }
}

/// <summary>Registers <see cref="FrameGuardUpgradeFeature"/> for the worker endpoint.</summary>
internal static class FrameGuardUpgradeExtensions
{
    /// <summary>Must run before <c>UseWebSockets</c>, which reads the upgrade feature when a request arrives.</summary>
    public static IApplicationBuilder UseWorkerFrameGuard(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.Equals(WorkerConnectEndpoint.Path, StringComparison.Ordinal)
            && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            context.Features.Set<IHttpUpgradeFeature>(new FrameGuardUpgradeFeature(upgrade));
        }

        return next(context);
    });
}
