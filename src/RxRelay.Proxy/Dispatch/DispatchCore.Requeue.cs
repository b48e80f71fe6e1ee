namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>
    /// A removed worker's in-flight requests, in assignment order (reference 5.6, with fixes):
    /// <list type="number">
    /// <item>requeue cap reached → fail <see cref="DispatchFailureKind.RequeueExhausted"/>;</item>
    /// <item>streaming and bytes already reached the client → fail
    /// <see cref="DispatchFailureKind.WorkerDisconnectedMidStream"/>; never replayed, so the client never
    /// sees duplicated output (upstream replays, reference 11 item 5);</item>
    /// <item>otherwise count + 1, queue time kept, offered at once to any worker with room, else queued
    /// under the request's <i>own</i> provider (upstream uses the worker's, reference 11 item 6),
    /// ignoring <c>max_queue_len</c>.</item>
    /// </list>
    /// Cancelled requests are no longer in flight here (cancel frees the slot at once), so upstream's
    /// "already cancelled" branch cannot arise: their stream already ended with
    /// <see cref="DispatchFailureKind.Canceled"/>.
    /// </summary>
    private void RecoverInFlight(WorkerState worker)
    {
        var inFlight = worker.InFlight.ToArray();
        worker.InFlight.Clear();
        foreach (var request in inFlight)
        {
            request.Worker = null;
            if (request.RequeueCount >= _options.MaxRequeues)
                Fail(request, DispatchFailureKind.RequeueExhausted);
            else if (request.Submit.IsStreaming && request.Stream.HasStarted)
                Fail(request, DispatchFailureKind.WorkerDisconnectedMidStream);
            else
                Requeue(request);
        }
    }

    private void Requeue(PendingRequest request)
    {
        request.RequeueCount++;
        if (!TryAssign(request)) _queue.Add(request);
    }

    private void Fail(PendingRequest request, DispatchFailureKind kind) =>
        Finish(request, new RequestEvent.Failed(DispatchFailure.Of(kind)));
}
