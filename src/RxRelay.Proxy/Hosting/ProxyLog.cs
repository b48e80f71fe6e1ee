using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Hosting;

/// <summary>Start-up and shutdown log lines (upstream has the first two, docs/differences-from-upstream.md#logs).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "rxrelay-proxy starting listen={Listen} provider={Provider} queue_timeout={QueueTimeout} request_timeout={RequestTimeout} max_queue_len={MaxQueueLen}")]
    public static partial void Starting(ILogger logger, string listen, string provider, string queueTimeout, string requestTimeout, string maxQueueLen);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "shutting down gracefully")]
    public static partial void ShuttingDown(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "drain finished all_workers_gone={AllWorkersGone}")]
    public static partial void DrainFinished(ILogger logger, bool allWorkersGone);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "WORKER_SECRET not set: workers can only authenticate with API keys")]
    public static partial void NoWorkerSecret(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "replica {ReplicaId} draining: peers and load balancer told, serving normally for {DrainDelaySeconds}s before the drain")]
    public static partial void ReplicaDraining(ILogger logger, string replicaId, double drainDelaySeconds);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "cluster drain finished queue_empty={QueueEmpty}")]
    public static partial void ClusterDrainFinished(ILogger logger, bool queueEmpty);
}
