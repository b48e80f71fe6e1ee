using Microsoft.IO;
using RxRelay.Protocol;

namespace RxRelay.Worker.Connection;

/// <summary>
/// What the worker accepts from the proxy: <see cref="WebSocketLimits"/> (upstream's, both directions).
/// Anything larger is refused with close 1009 (message too big) before it is buffered
/// (<see cref="SizeLimitedWebSocket"/>), and the session ends; the worker reconnects with its normal backoff.
/// </summary>
internal static class InboundLimits
{
    /// <summary>Largest frame accepted from the proxy, <see cref="WebSocketLimits.MaxFrameBytes"/>.</summary>
    public const int MaxFrameBytes = WebSocketLimits.MaxFrameBytes;

    /// <summary>Largest message (all of its frames) accepted from the proxy, <see cref="WebSocketLimits.MaxMessageBytes"/>.</summary>
    public const int MaxMessageBytes = WebSocketLimits.MaxMessageBytes;

    /// <summary>Free receive buffers kept for reuse, at most; a large message's buffers go back to the GC after it.</summary>
    public const int MaxPooledFreeBytes = 1024 * 1024;

    /// <summary>
    /// The receive buffers of every session. Websocket.Client's own default pools without bound, so one
    /// large message would keep its whole size pinned for the rest of the session.
    /// </summary>
    public static RecyclableMemoryStreamManager ReceiveBuffers { get; } = new(new RecyclableMemoryStreamManager.Options
    {
        MaximumSmallPoolFreeBytes = MaxPooledFreeBytes,
        MaximumLargePoolFreeBytes = MaxPooledFreeBytes,
    });
}
