namespace RxRelay.Proxy.WorkerSockets;

internal sealed partial class WorkerSocketSession
{
    /// <summary>Logs the oversized frame or message, removes the worker (requeueing its work), then closes 1009.</summary>
    private void TooBig(WorkerSocketOutbox outbox, string reason)
    {
        WorkerSocketLog.TooBig(_logger, reason, _registeredWorkerId, _provider);
        GoneThenClose(outbox, WorkerSocketLimits.TooBigCode, reason);
    }
}
