using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Http;

/// <summary>Log lines of the inference routes (RxRelay additions; upstream logs none).</summary>
internal static partial class InferenceLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "request rejected request_id={RequestId}: {Reason}")]
    public static partial void Rejected(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "request cancelled request_id={RequestId} reason={Reason}")]
    public static partial void Cancelled(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "stream cut request_id={RequestId}: {Reason}")]
    public static partial void StreamCut(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "request body refused status={Status}: {Reason}")]
    public static partial void BodyRefused(ILogger logger, int status, string reason);
}
