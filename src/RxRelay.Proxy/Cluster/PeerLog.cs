using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Cluster;

/// <summary>Log lines of the peer listener and client (event ids 750–759; 754–759 free for the wiring step).</summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 750, Level = LogLevel.Warning, Message = "peer forward refused: missing or wrong peer secret from {Remote}")]
    public static partial void Unauthorized(ILogger logger, System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 751, Level = LogLevel.Warning, Message = "peer forward refused: bad envelope: {Reason}")]
    public static partial void BadEnvelope(ILogger logger, string reason);

    [LoggerMessage(EventId = 752, Level = LogLevel.Debug, Message = "peer forward request_id={RequestId} refused: {Refusal}")]
    public static partial void Refused(ILogger logger, string requestId, string refusal);

    [LoggerMessage(EventId = 753, Level = LogLevel.Debug, Message = "peer forward request_id={RequestId} running as {LocalId}")]
    public static partial void Running(ILogger logger, string requestId, string localId);
}
