using RxRelay.Protocol;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Every size and count limit of a worker socket, in one place. The frame and message limits are
/// <see cref="WebSocketLimits"/> (upstream's, both directions); RxRelay enforces them before buffering: the
/// <see cref="Protocol.WebSockets.FrameHeaderGuard"/> under the socket refuses a frame from its header, and a
/// message from the header of the frame that takes it over the limit.
/// </summary>
internal static class WorkerSocketLimits
{
    /// <summary>Largest accepted WebSocket frame payload, <see cref="WebSocketLimits.MaxFrameBytes"/>.</summary>
    public const long MaxFrameBytes = WebSocketLimits.MaxFrameBytes;

    /// <summary>Largest accepted message, all of its fragments together, <see cref="WebSocketLimits.MaxMessageBytes"/>.</summary>
    public const int MaxMessageBytes = WebSocketLimits.MaxMessageBytes;

    /// <summary>The reassembly buffer a socket keeps between messages; a larger one is given back after its message.</summary>
    public const int DefaultBufferBytes = 16 * 1024;

    /// <summary>Buffers up to this size come from the shared pool; larger ones are plain arrays the GC reclaims once dropped.</summary>
    public const int MaxPooledBufferBytes = 1024 * 1024;

    /// <summary>Close code for an oversized frame or message (RFC 6455 "message too big").</summary>
    public const ushort TooBigCode = 1009;

    /// <summary>Close reason for a frame over <see cref="MaxFrameBytes"/>.</summary>
    public static readonly string FrameTooBig = $"frame exceeds {MaxFrameBytes / WebSocketLimits.Mebibyte} MiB";

    /// <summary>Close reason for a message over <see cref="MaxMessageBytes"/>.</summary>
    public static readonly string MessageTooBig = $"message exceeds {MaxMessageBytes / WebSocketLimits.Mebibyte} MiB";

    /// <summary>
    /// Connects refused with a close frame (bad or rate-limited credentials) that may be in flight at once;
    /// more get HTTP 503 without a WebSocket. Bounds what unauthenticated callers hold.
    /// </summary>
    public const int MaxUnauthenticatedInFlight = 64;
}
