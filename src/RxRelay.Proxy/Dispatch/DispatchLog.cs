using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The dispatch core's log lines (event ids 400–409). Values a peer chose (provider, model) go through
/// <see cref="LogValue"/>, so they cannot forge a line or write an unbounded one.
/// </summary>
// CA1873: the wrappers escape before the level check; LogValue.Of returns a clean value as is, and these
// lines are rare (one per ejection).
#pragma warning disable CA1873
internal static partial class DispatchLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning,
        Message = "worker {WorkerId} (provider {Provider}) ejected for {EjectionSecs} s: a {Model} request got no first event within {TimeoutSecs} s; {Moved} requests without a first event moved to other workers")]
    private static partial void WorkerEjectedLine(
        ILogger logger, string workerId, string provider, double ejectionSecs, string model, double timeoutSecs, int moved);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information,
        Message = "worker {WorkerId} (provider {Provider}) answered a request moved off it: ejection ended")]
    private static partial void WorkerHealedLine(ILogger logger, string workerId, string provider);

    /// <summary>A <c>register</c> or <c>models_update</c> advertised more than <see cref="ModelList.MaxPerWorker"/> models.</summary>
    [LoggerMessage(EventId = 403, Level = LogLevel.Warning,
        Message = "worker worker_id={WorkerId} advertised {Count} models; only the first {Max} are kept")]
    public static partial void ModelsCapped(ILogger logger, string workerId, int count, int max);

    /// <summary>A retry runs under a fresh wire id because its worker still owes frames of a cancelled attempt.</summary>
    [LoggerMessage(EventId = 404, Level = LogLevel.Information,
        Message = "{RequestId} retried as {WireId}: its worker still owes frames of a cancelled earlier attempt")]
    public static partial void RetriedUnderFreshId(ILogger logger, string requestId, string wireId);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information,
        Message = "worker {WorkerId} (provider {Provider}) reinstated before its ejection ended: {Reason}")]
    private static partial void WorkerReinstatedLine(ILogger logger, string workerId, string provider, string reason);

    /// <summary>An ejected worker is back in selection early because no healthy peer is left for one of its models.</summary>
    public static void WorkerReinstated(ILogger logger, string workerId, string provider) =>
        WorkerReinstatedLine(logger, workerId, LogValue.Of(provider), "no healthy peer left");

    /// <summary>An ejected worker answered after all and is back in selection.</summary>
    public static void WorkerHealed(ILogger logger, string workerId, string provider) =>
        WorkerHealedLine(logger, workerId, LogValue.Of(provider));

    /// <summary>One warning per ejection: worker, provider, the model of the overdue request, requests moved.</summary>
    public static void WorkerEjected(
        ILogger logger, string workerId, string provider, string model, double timeoutSecs, int moved, double ejectionSecs) =>
        WorkerEjectedLine(logger, workerId, LogValue.Of(provider), ejectionSecs, LogValue.Of(model), timeoutSecs, moved);
}
