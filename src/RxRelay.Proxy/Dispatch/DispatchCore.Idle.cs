namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>
    /// Completes once a drain has begun and no request is live here: none queued, none in flight, none handed
    /// elsewhere. A cluster replica waits for it before leaving the directory, because its queued requests can
    /// still be forwarded to peers after its own workers are gone. Watched from the first call on: every
    /// operation then checks it as it settles.
    /// </summary>
    public Task WhenIdle()
    {
        _drain.WatchLiveRequests(() => _requests.Count);
        return _drain.Idle;
    }
}
