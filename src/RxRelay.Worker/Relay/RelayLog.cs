using Microsoft.Extensions.Logging;

namespace RxRelay.Worker.Relay;

/// <summary>The relay's log lines (event ids 2100–2199). Bodies appear only at Debug.</summary>
internal static partial class RelayLog
{
    [LoggerMessage(2100, LogLevel.Debug, "relaying request {RequestId} to {EndpointPath} (streaming={IsStreaming}): {Body}")]
    public static partial void RequestStarted(this ILogger logger, string requestId, string endpointPath, bool isStreaming, string body);

    [LoggerMessage(2101, LogLevel.Debug, "request {RequestId} completed with status {StatusCode}")]
    public static partial void RequestCompleted(this ILogger logger, string requestId, int statusCode);

    [LoggerMessage(2102, LogLevel.Warning, "request {RequestId} rejected: endpoint path '{EndpointPath}' is not allowed")]
    public static partial void PathRejected(this ILogger logger, string requestId, string endpointPath);

    [LoggerMessage(2103, LogLevel.Warning, "request {RequestId} rejected: {InFlight} requests in flight, max concurrency {MaxConcurrency}")]
    public static partial void Overloaded(this ILogger logger, string requestId, int inFlight, uint maxConcurrency);

    [LoggerMessage(2104, LogLevel.Information, "request {RequestId} rejected: worker is draining")]
    public static partial void RejectedWhileDraining(this ILogger logger, string requestId);

    [LoggerMessage(2105, LogLevel.Warning, "request {RequestId} ignored: a request with this id is already in flight")]
    public static partial void DuplicateRequest(this ILogger logger, string requestId);

    [LoggerMessage(2106, LogLevel.Warning, "request {RequestId}: backend unavailable")]
    public static partial void BackendUnavailable(this ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2107, LogLevel.Warning, "request {RequestId}: backend response failed mid-body")]
    public static partial void BackendReadFailed(this ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2108, LogLevel.Information, "request {RequestId} cancelled by the proxy ({Reason})")]
    public static partial void Cancelled(this ILogger logger, string requestId, string reason);

    [LoggerMessage(2109, LogLevel.Debug, "cancel for request {RequestId} ignored: not in flight")]
    public static partial void CancelIgnored(this ILogger logger, string requestId);

    [LoggerMessage(2110, LogLevel.Debug, "request {RequestId} abandoned: the outbound socket is gone")]
    public static partial void OutboundGone(this ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2111, LogLevel.Debug, "request {RequestId}: completion not sent")]
    public static partial void CompletionNotSent(this ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2112, LogLevel.Error, "request {RequestId}: unexpected relay failure")]
    public static partial void UnexpectedFailure(this ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2113, LogLevel.Information, "relay draining: {InFlight} requests in flight")]
    public static partial void DrainingStarted(this ILogger logger, int inFlight);

    [LoggerMessage(2114, LogLevel.Warning, "drain timed out after {Timeout}: {Remaining} requests completed with 503")]
    public static partial void DrainTimedOut(this ILogger logger, TimeSpan timeout, int remaining);

    [LoggerMessage(2115, LogLevel.Debug, "relay session disposed: {Aborted} backend calls aborted")]
    public static partial void Disposed(this ILogger logger, int aborted);

    [LoggerMessage(2116, LogLevel.Information, "models refreshed from backend /v1/models (count={Count}, models={Models})")]
    public static partial void ModelsRefreshed(this ILogger logger, int count, string models);

    [LoggerMessage(2117, LogLevel.Debug, "models_update not sent")]
    public static partial void ModelsUpdateNotSent(this ILogger logger, Exception exception);

    [LoggerMessage(2118, LogLevel.Debug, "request {RequestId}: backend call aborted ({ExceptionType})")]
    public static partial void RequestAborted(this ILogger logger, string requestId, string exceptionType);
}
