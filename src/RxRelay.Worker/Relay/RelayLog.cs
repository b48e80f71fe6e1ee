using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Worker.Relay;

/// <summary>
/// The relay's log lines (event ids 2100–2199). Bodies appear only at Debug. Every value the proxy or the
/// backend chose (request ids, endpoint paths, cancel reasons, bodies, model names) goes through
/// <see cref="LogValue"/> in the wrappers here, so none can forge a log line; all but the body are also cut.
/// </summary>
// CA1873: these wrappers escape values before the level check; LogValue.Of returns a clean value as is
// (one scan, no allocation), and the costly lines check IsEnabled themselves.
#pragma warning disable CA1873
internal static partial class RelayLog
{
    /// <summary>Characters of the refreshed model list kept in its log line.</summary>
    public const int MaxLoggedModelsLength = 1024;

    public static void RequestStarted(this ILogger logger, string requestId, string endpointPath, bool isStreaming, string body)
    {
        // The body is escaped only when it will be written: scanning every request's body would cost on the hot path.
        if (logger.IsEnabled(LogLevel.Debug))
        {
            RequestStartedLine(logger, LogValue.Of(requestId), LogValue.Of(endpointPath), isStreaming, LogValue.Of(body, int.MaxValue));
        }
    }

    public static void RequestCompleted(this ILogger logger, string requestId, int statusCode) =>
        RequestCompletedLine(logger, LogValue.Of(requestId), statusCode);

    public static void PathRejected(this ILogger logger, string requestId, string endpointPath) =>
        PathRejectedLine(logger, LogValue.Of(requestId), LogValue.Of(endpointPath));

    public static void Overloaded(this ILogger logger, string requestId, int inFlight, uint maxConcurrency) =>
        OverloadedLine(logger, LogValue.Of(requestId), inFlight, maxConcurrency);

    public static void RejectedWhileDraining(this ILogger logger, string requestId) =>
        RejectedWhileDrainingLine(logger, LogValue.Of(requestId));

    public static void DuplicateRequest(this ILogger logger, string requestId) =>
        DuplicateRequestLine(logger, LogValue.Of(requestId));

    public static void BackendUnavailable(this ILogger logger, string requestId, Exception exception) =>
        BackendUnavailableLine(logger, LogValue.Of(requestId), exception);

    public static void BackendReadFailed(this ILogger logger, string requestId, Exception exception) =>
        BackendReadFailedLine(logger, LogValue.Of(requestId), exception);

    public static void Cancelled(this ILogger logger, string requestId, string reason) =>
        CancelledLine(logger, LogValue.Of(requestId), LogValue.Of(reason));

    public static void CancelIgnored(this ILogger logger, string requestId) =>
        CancelIgnoredLine(logger, LogValue.Of(requestId));

    public static void OutboundGone(this ILogger logger, string requestId, Exception exception) =>
        OutboundGoneLine(logger, LogValue.Of(requestId), exception);

    public static void CompletionNotSent(this ILogger logger, string requestId, Exception exception) =>
        CompletionNotSentLine(logger, LogValue.Of(requestId), exception);

    public static void UnexpectedFailure(this ILogger logger, string requestId, Exception exception) =>
        UnexpectedFailureLine(logger, LogValue.Of(requestId), exception);

    public static void ModelsRefreshed(this ILogger logger, int count, string models) =>
        ModelsRefreshedLine(logger, count, LogValue.Of(models, MaxLoggedModelsLength));

    public static void RequestAborted(this ILogger logger, string requestId, string exceptionType) =>
        RequestAbortedLine(logger, LogValue.Of(requestId), LogValue.Of(exceptionType));

    [LoggerMessage(2100, LogLevel.Debug, "relaying request {RequestId} to {EndpointPath} (streaming={IsStreaming}): {Body}")]
    private static partial void RequestStartedLine(ILogger logger, string requestId, string endpointPath, bool isStreaming, string body);

    [LoggerMessage(2101, LogLevel.Debug, "request {RequestId} completed with status {StatusCode}")]
    private static partial void RequestCompletedLine(ILogger logger, string requestId, int statusCode);

    [LoggerMessage(2102, LogLevel.Warning, "request {RequestId} rejected: endpoint path '{EndpointPath}' is not allowed")]
    private static partial void PathRejectedLine(ILogger logger, string requestId, string endpointPath);

    [LoggerMessage(2103, LogLevel.Warning, "request {RequestId} rejected: {InFlight} requests in flight, max concurrency {MaxConcurrency}")]
    private static partial void OverloadedLine(ILogger logger, string requestId, int inFlight, uint maxConcurrency);

    [LoggerMessage(2104, LogLevel.Information, "request {RequestId} rejected: worker is draining")]
    private static partial void RejectedWhileDrainingLine(ILogger logger, string requestId);

    [LoggerMessage(2105, LogLevel.Warning, "request {RequestId} ignored: a request with this id is already in flight")]
    private static partial void DuplicateRequestLine(ILogger logger, string requestId);

    [LoggerMessage(2106, LogLevel.Warning, "request {RequestId}: backend unavailable")]
    private static partial void BackendUnavailableLine(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2107, LogLevel.Warning, "request {RequestId}: backend response failed mid-body")]
    private static partial void BackendReadFailedLine(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2108, LogLevel.Information, "request {RequestId} cancelled by the proxy ({Reason})")]
    private static partial void CancelledLine(ILogger logger, string requestId, string reason);

    [LoggerMessage(2109, LogLevel.Debug, "cancel for request {RequestId} ignored: not in flight")]
    private static partial void CancelIgnoredLine(ILogger logger, string requestId);

    [LoggerMessage(2110, LogLevel.Debug, "request {RequestId} abandoned: the outbound socket is gone")]
    private static partial void OutboundGoneLine(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2111, LogLevel.Debug, "request {RequestId}: completion not sent")]
    private static partial void CompletionNotSentLine(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2112, LogLevel.Error, "request {RequestId}: unexpected relay failure")]
    private static partial void UnexpectedFailureLine(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(2113, LogLevel.Information, "relay draining: {InFlight} requests in flight")]
    public static partial void DrainingStarted(this ILogger logger, int inFlight);

    [LoggerMessage(2114, LogLevel.Warning, "drain timed out after {Timeout}: {Remaining} requests completed with 503")]
    public static partial void DrainTimedOut(this ILogger logger, TimeSpan timeout, int remaining);

    [LoggerMessage(2115, LogLevel.Debug, "relay session disposed: {Aborted} backend calls aborted")]
    public static partial void Disposed(this ILogger logger, int aborted);

    [LoggerMessage(2116, LogLevel.Information, "models refreshed from backend /v1/models (count={Count}, models={Models})")]
    private static partial void ModelsRefreshedLine(ILogger logger, int count, string models);

    [LoggerMessage(2117, LogLevel.Debug, "models_update not sent")]
    public static partial void ModelsUpdateNotSent(this ILogger logger, Exception exception);

    [LoggerMessage(2118, LogLevel.Debug, "request {RequestId}: backend call aborted ({ExceptionType})")]
    private static partial void RequestAbortedLine(ILogger logger, string requestId, string exceptionType);
}
