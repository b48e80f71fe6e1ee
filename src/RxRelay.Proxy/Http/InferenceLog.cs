using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.Http;

/// <summary>
/// Log lines of the inference routes (RxRelay additions; upstream logs none). Reasons can quote what a
/// client sent (a model name), so every text goes through <see cref="LogValue"/>.
/// </summary>
// CA1873: these wrappers escape values before the level check; LogValue.Of returns a clean value as is
// (one scan, no allocation), and the costly lines check IsEnabled themselves.
#pragma warning disable CA1873
internal static partial class InferenceLog
{
    public static void Rejected(ILogger logger, string requestId, string reason) =>
        RejectedLine(logger, LogValue.Of(requestId), LogValue.Of(reason));

    public static void Cancelled(ILogger logger, string requestId, string reason) =>
        CancelledLine(logger, LogValue.Of(requestId), LogValue.Of(reason));

    public static void StreamCut(ILogger logger, string requestId, string reason) =>
        StreamCutLine(logger, LogValue.Of(requestId), LogValue.Of(reason));

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "request rejected request_id={RequestId}: {Reason}")]
    private static partial void RejectedLine(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "request cancelled request_id={RequestId} reason={Reason}")]
    private static partial void CancelledLine(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "stream cut request_id={RequestId}: {Reason}")]
    private static partial void StreamCutLine(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "request body refused status={Status}: {Reason}")]
    public static partial void BodyRefused(ILogger logger, int status, string reason);
}
