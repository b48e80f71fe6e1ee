namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>
    /// Completes once a drain has begun and no request waits in the queue (requests in flight, here or on a peer,
    /// may still run). A cluster replica waits for it before it leaves the directory, because its queued requests
    /// can still be forwarded to peers after its own workers are gone; what is in flight then finishes during the
    /// web server's graceful stop. Watched from the first call on: every operation then checks it as it settles.
    /// </summary>
    public Task WhenQueueEmpty()
    {
        _drain.WatchQueue(() => _queue.Count);
        return _drain.QueueEmpty;
    }
}
