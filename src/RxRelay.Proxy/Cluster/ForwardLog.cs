using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Cluster;

/// <summary>The forwarder's log lines (event ids 760–769).</summary>
internal static partial class ForwardLog
{
    [LoggerMessage(EventId = 760, Level = LogLevel.Debug, Message = "request {RequestId} forwarded to peer {ReplicaId}")]
    public static partial void Forwarded(ILogger logger, string requestId, string replicaId);

    [LoggerMessage(EventId = 761, Level = LogLevel.Debug, Message = "request {RequestId} back from peer {ReplicaId}: {Outcome}")]
    public static partial void Back(ILogger logger, string requestId, string replicaId, string outcome);

    [LoggerMessage(EventId = 762, Level = LogLevel.Warning,
        Message = "peer {ReplicaId} at {PeerUrl} unreachable ({Cause}): request {RequestId} requeued, no forwards to it for {Seconds} s")]
    public static partial void Unreachable(ILogger logger, string replicaId, string peerUrl, string cause, string requestId, double seconds);

    [LoggerMessage(EventId = 763, Level = LogLevel.Error,
        Message = "peer {ReplicaId} refused a forward as {Refusal}: every replica needs the same --peer-secret and a compatible version; no forwards to it for {Seconds} s")]
    public static partial void Misconfigured(ILogger logger, string replicaId, string refusal, double seconds);

    [LoggerMessage(EventId = 764, Level = LogLevel.Warning,
        Message = "peer {ReplicaId} left the cluster view: {Count} unanswered forward(s) to it aborted and requeued")]
    public static partial void PeerGone(ILogger logger, string replicaId, int count);

    [LoggerMessage(EventId = 765, Level = LogLevel.Error, Message = "forwarder stopped on an unexpected error; queued requests are served locally only")]
    public static partial void Failed(ILogger logger, Exception error);
}
