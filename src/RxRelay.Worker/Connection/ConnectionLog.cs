using Microsoft.Extensions.Logging;

namespace RxRelay.Worker.Connection;

/// <summary>The connection's log lines; messages and fields follow upstream's worker (docs/differences-from-upstream.md#logs).</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "connected to proxy, registered worker url={Url}")]
    public static partial void Connected(this ILogger logger, string url);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "registration acknowledged worker_id={WorkerId}")]
    public static partial void RegisterAcknowledged(this ILogger logger, string workerId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "proxy registration warning warning={Warning}")]
    public static partial void RegisterWarning(this ILogger logger, string warning);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "no messages received from server within idle timeout, assuming dead connection timeout_secs={TimeoutSecs}")]
    public static partial void IdleTimeout(this ILogger logger, double timeoutSecs);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "server sent graceful shutdown, reconnecting to new instance attempt={Attempt} delay_ms={DelayMs} session_duration_secs={SessionDurationSecs}")]
    public static partial void GracefulReconnect(this ILogger logger, int attempt, long delayMs, long sessionDurationSecs);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "connection closed unexpectedly, reconnecting attempt={Attempt} delay_ms={DelayMs} session_duration_secs={SessionDurationSecs}")]
    public static partial void ClosedReconnect(this ILogger logger, int attempt, long delayMs, long sessionDurationSecs);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "connection error, reconnecting error={Error} attempt={Attempt} delay_ms={DelayMs} session_duration_secs={SessionDurationSecs}")]
    public static partial void ErrorReconnect(this ILogger logger, string error, int attempt, long delayMs, long sessionDurationSecs);

    // The stack of an expected, repeating failure (proxy down) would flood the warning stream; it is here for debugging.
    [LoggerMessage(EventId = 1113, Level = LogLevel.Debug, Message = "connection error detail")]
    public static partial void ErrorDetail(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Error, Message = "proxy rejected the worker reason={Reason}")]
    public static partial void Rejected(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Debug, Message = "proxy closed the connection close_status={CloseStatus} reason={Reason}")]
    public static partial void ClosedByProxy(this ILogger logger, int? closeStatus, string reason);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "proxy announced a graceful shutdown, draining reason={Reason}")]
    public static partial void GracefulShutdownReceived(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "shutting down gracefully in_flight={InFlight} drain_timeout_secs={DrainTimeoutSecs}")]
    public static partial void ShuttingDown(this ILogger logger, int inFlight, double drainTimeoutSecs);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "disposing the session's relay failed")]
    public static partial void RelayDisposeFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Debug, Message = "the session ended while shutting down")]
    public static partial void StopInterrupted(this ILogger logger, Exception exception);
}
