namespace RxRelay.Protocol;

/// <summary>The one protocol version RxRelay speaks (docs/protocol.md#versions).</summary>
public static class ProtocolVersion
{
    /// <summary>The exact string sent in <c>register</c> and echoed in <c>register_ack</c>.</summary>
    public const string Current = "2026-04-bridge-v1";
}
