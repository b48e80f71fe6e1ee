using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Cluster;

/// <summary>The replica directory's log lines (event ids 700–709).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information,
        Message = "cluster mode: replica {ReplicaId} (epoch {Epoch}) at {PeerUrl} joined the directory in {Database}")]
    public static partial void Joined(ILogger logger, string replicaId, Guid epoch, string peerUrl, string database);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "directory {Operation} failed: {Cause}; retrying")]
    public static partial void DirectoryFailed(ILogger logger, string operation, string cause);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "directory {Operation} works again")]
    public static partial void DirectoryRecovered(ILogger logger, string operation);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning,
        Message = "own directory row {ReplicaId} was gone or held by another start (same --replica-id twice?); rewritten")]
    public static partial void RowRewritten(ILogger logger, string replicaId);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "cluster view: {Peers} live peer(s): {PeerIds}")]
    public static partial void ViewChanged(ILogger logger, int peers, PeerIds peerIds);

    [LoggerMessage(EventId = 705, Level = LogLevel.Information, Message = "replica {ReplicaId} left the directory")]
    public static partial void Left(ILogger logger, string replicaId);

    [LoggerMessage(EventId = 707, Level = LogLevel.Error, Message = "directory {Loop} stopped on an unexpected error; the replica keeps serving locally")]
    public static partial void LoopFailed(ILogger logger, string loop, Exception error);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning, Message = "could not delete directory row {ReplicaId} at stop: {Cause}; peers expire it")]
    public static partial void LeaveFailed(ILogger logger, string replicaId, string cause);
}

/// <summary>A view's peer ids, joined only when a log line is written.</summary>
internal readonly record struct PeerIds(ClusterView View)
{
    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", View.Peers.Select(p => p.ReplicaId));
}
