namespace RxRelay.Protocol;

/// <summary>
/// The size limits of the worker link, the same in both directions: upstream's (tungstenite's defaults),
/// stated once here and read by the proxy and the worker (docs/protocol.md#framing). A peer refuses
/// anything larger with close 1009 (message too big).
/// </summary>
public static class WebSocketLimits
{
    /// <summary>Bytes in one MiB, the unit the close reasons name.</summary>
    public const int Mebibyte = 1024 * 1024;

    /// <summary>Largest frame payload accepted: 16 MiB.</summary>
    public const int MaxFrameBytes = 16 * Mebibyte;

    /// <summary>Largest message (all of its frames together) accepted: 64 MiB.</summary>
    public const int MaxMessageBytes = 64 * Mebibyte;
}
