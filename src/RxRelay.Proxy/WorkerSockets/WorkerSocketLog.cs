using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Log lines of the worker socket endpoint. Upstream logs none of these (docs/differences-from-upstream.md#logs);
/// they are RxRelay additions. Every value a peer chose (provider, worker name, models, client address) goes
/// through <see cref="LogValue"/> here, so no call site can forge a line or write an unbounded one.
/// </summary>
// CA1873: these wrappers escape values before the level check; LogValue.Of returns a clean value as is
// (one scan, no allocation), and the costly lines check IsEnabled themselves.
#pragma warning disable CA1873
internal static partial class WorkerSocketLog
{
    /// <summary>Characters of the model list kept in the registration line.</summary>
    public const int MaxLoggedModelsLength = 1024;

    public static void Registered(ILogger logger, string workerId, string provider, string workerName, IReadOnlyList<string> models, uint maxConcurrent)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            RegisteredLine(logger, workerId, LogValue.Of(provider), LogValue.Of(workerName), models.Count, LogValue.Join(models, MaxLoggedModelsLength), maxConcurrent);
        }
    }

    public static void AuthenticationFailed(ILogger logger, string provider, string clientIdentity, int suppressed) =>
        AuthenticationFailedLine(logger, LogValue.Of(provider), LogValue.Of(clientIdentity), suppressed, FailureLogThrottle.Window.TotalSeconds);

    public static void RateLimited(ILogger logger, string clientIdentity, int suppressed) =>
        RateLimitedLine(logger, LogValue.Of(clientIdentity), suppressed, FailureLogThrottle.Window.TotalSeconds);

    public static void RegistrationRejected(ILogger logger, string provider, string problem) =>
        RegistrationRejectedLine(logger, LogValue.Of(provider), LogValue.Of(problem));

    public static void RegistrationTimedOut(ILogger logger, string provider, double timeoutSecs) =>
        RegistrationTimedOutLine(logger, timeoutSecs, LogValue.Of(provider));

    public static void ProtocolViolation(ILogger logger, string workerId, string detail) =>
        ProtocolViolationLine(logger, workerId, LogValue.Of(detail));

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "worker registered worker_id={WorkerId} provider={Provider} worker_name={WorkerName} model_count={ModelCount} models={Models} max_concurrent={MaxConcurrent}")]
    private static partial void RegisteredLine(ILogger logger, string workerId, string provider, string workerName, int modelCount, string models, uint maxConcurrent);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "worker removed worker_id={WorkerId} cause={Cause}")]
    public static partial void Removed(ILogger logger, string workerId, string cause);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "worker authentication failed provider={Provider} client={ClientIdentity} suppressed={Suppressed} (failures of this client not logged in the previous {WindowSecs}s window)")]
    private static partial void AuthenticationFailedLine(ILogger logger, string provider, string clientIdentity, int suppressed, double windowSecs);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "worker authentication rate limited client={ClientIdentity} suppressed={Suppressed} (failures of this client not logged in the previous {WindowSecs}s window)")]
    private static partial void RateLimitedLine(ILogger logger, string clientIdentity, int suppressed, double windowSecs);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "worker registration rejected provider={Provider}: {Problem}")]
    private static partial void RegistrationRejectedLine(ILogger logger, string provider, string problem);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "worker sent no register within {TimeoutSecs}s provider={Provider}")]
    private static partial void RegistrationTimedOutLine(ILogger logger, double timeoutSecs, string provider);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "worker protocol violation worker_id={WorkerId}: {Detail}")]
    private static partial void ProtocolViolationLine(ILogger logger, string workerId, string detail);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "worker heartbeat timed out worker_id={WorkerId}; removing it and requeueing its requests")]
    public static partial void HeartbeatTimedOut(ILogger logger, string workerId);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "worker socket read ended worker_id={WorkerId}: {Reason}")]
    public static partial void ReadFailed(ILogger logger, string workerId, string reason);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "worker connection refused: {Open} worker sockets open, the limit is {MaxWorkers} (--max-workers)")]
    public static partial void TooManyWorkers(ILogger logger, int open, int maxWorkers);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
        Message = "worker connection closed 1009: {Problem} worker_id={WorkerId} provider={Provider}")]
    private static partial void TooBigLine(ILogger logger, string problem, string workerId, string provider);

    public static void TooBig(ILogger logger, string problem, string? workerId, string provider) =>
        TooBigLine(logger, problem, workerId ?? "(registering)", LogValue.Of(provider));

    [LoggerMessage(EventId = 120, Level = LogLevel.Information,
        Message = "worker worker_id={WorkerId} registered with client API key key_id={KeyId}; it serves only that key's requests")]
    public static partial void TenantWorker(ILogger logger, string workerId, string keyId);
}
