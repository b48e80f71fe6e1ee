namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    private readonly RequestQueue _queue = new();
    private ITimer? _queueTimer;
    private DateTimeOffset? _armedDeadline;

    /// <summary>
    /// Keeps exactly one timer armed for the earliest queue deadline (upstream sweeps every second, so
    /// its expiry lands anywhere in [T, T+1 s)). Anything already due expires here first, so the timer is
    /// only ever armed for a future instant and never fires re-entrantly inside an operation.
    /// </summary>
    private void RearmQueueTimer()
    {
        if (_options.QueueTimeout is not { } timeout) return;
        ExpireDue(timeout);
        var deadline = _queue.Earliest?.QueuedAt + timeout;
        if (deadline == _armedDeadline) return;
        _armedDeadline = deadline;
        _queueTimer ??= _time.CreateTimer(
            static state => ((DispatchCore)state!).PostQueueTimer(), this,
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var due = deadline is { } at ? at - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        _queueTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void PostQueueTimer() => _post(OnQueueTimer);

    /// <summary>Timer callback, run on the single writer. Stale firings are harmless: expiry is by time.</summary>
    private void OnQueueTimer()
    {
        _armedDeadline = null;
        Settle();
    }

    /// <summary>Boundary inclusive: a request expires when now ≥ original queue time + timeout.</summary>
    private void ExpireDue(TimeSpan timeout)
    {
        var now = _time.GetUtcNow();
        while (_queue.Earliest is { } oldest && oldest.QueuedAt + timeout <= now)
        {
            _queue.Remove(oldest);
            Finish(oldest, new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.QueueTimeout)));
        }
    }
}
