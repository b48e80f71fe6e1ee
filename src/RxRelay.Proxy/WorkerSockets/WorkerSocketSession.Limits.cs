using System.Globalization;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

internal sealed partial class WorkerSocketSession
{
    /// <summary>The <c>register_ack</c> warning when the model list was cut (upstream's warnings field; upstream has no cap).</summary>
    public static readonly string ModelsTruncatedWarning = string.Create(
        CultureInfo.InvariantCulture, $"model list truncated to {WorkerSocketLimits.MaxModelsPerWorker} entries");

    /// <summary>
    /// The sanitized model list cut to <see cref="WorkerSocketLimits.MaxModelsPerWorker"/>, and how many
    /// distinct models were advertised. The cap counts models after sanitizing, so blanks and repeats do not
    /// use up room; one worker cannot make <c>/v1/models</c> (unauthenticated) or a log line megabytes long.
    /// </summary>
    private static (IReadOnlyList<string> Models, int Advertised) CapModels(IReadOnlyList<string> models)
    {
        var sanitized = ModelList.Sanitize(models);
        return sanitized.Count <= WorkerSocketLimits.MaxModelsPerWorker
            ? (sanitized, sanitized.Count)
            : (sanitized.Take(WorkerSocketLimits.MaxModelsPerWorker).ToArray(), sanitized.Count);
    }

    /// <summary>Logs the oversized frame or message, removes the worker (requeueing its work), then closes 1009.</summary>
    private void TooBig(WorkerSocketOutbox outbox, string reason)
    {
        WorkerSocketLog.TooBig(_logger, reason, _registeredWorkerId, _provider);
        GoneThenClose(outbox, WorkerSocketLimits.TooBigCode, reason);
    }
}
