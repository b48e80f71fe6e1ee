using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>Log lines of the worker socket endpoint. Upstream logs none of these (docs/differences-from-upstream.md#logs); they are RxRelay additions.</summary>
internal static partial class WorkerSocketLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "worker registered worker_id={WorkerId} provider={Provider} worker_name={WorkerName} models={Models} max_concurrent={MaxConcurrent}")]
    public static partial void Registered(ILogger logger, string workerId, string provider, string workerName, IReadOnlyList<string> models, uint maxConcurrent);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "worker removed worker_id={WorkerId} cause={Cause}")]
    public static partial void Removed(ILogger logger, string workerId, string cause);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "worker authentication failed provider={Provider} client={ClientIdentity}")]
    public static partial void AuthenticationFailed(ILogger logger, string provider, string clientIdentity);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "worker authentication rate limited client={ClientIdentity}")]
    public static partial void RateLimited(ILogger logger, string clientIdentity);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "worker registration rejected provider={Provider}: {Problem}")]
    public static partial void RegistrationRejected(ILogger logger, string provider, string problem);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "worker sent no register within {TimeoutSecs}s provider={Provider}")]
    public static partial void RegistrationTimedOut(ILogger logger, string provider, double timeoutSecs);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "worker protocol violation worker_id={WorkerId}: {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string workerId, string detail);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "worker heartbeat timed out worker_id={WorkerId}; removing it and requeueing its requests")]
    public static partial void HeartbeatTimedOut(ILogger logger, string workerId);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "worker socket read ended worker_id={WorkerId}: {Reason}")]
    public static partial void ReadFailed(ILogger logger, string workerId, string reason);
}
