namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The SIGTERM drain's own state: whether it began, the seconds announced to workers, its deadline timer
/// and the <see cref="Drained"/> and <see cref="QueueEmpty"/> signals. What a drain does to workers and requests stays in
/// <see cref="DispatchCore"/>, which owns this and calls it only from its single writer.
/// </summary>
internal sealed class DrainState : IDisposable
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _queueEmpty = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<int>? _queued;
    private readonly TimeProvider _time;
    private readonly Action _deadlineReached;
    private ITimer? _timer;

    /// <summary>Creates the state of a drain not yet begun.</summary>
    /// <param name="time">The clock of the deadline timer.</param>
    /// <param name="deadlineReached">
    /// Called from the timer's thread at the drain deadline; it must hand the work to the single writer.
    /// </param>
    public DrainState(TimeProvider time, Action deadlineReached)
    {
        _time = time;
        _deadlineReached = deadlineReached;
    }

    /// <summary>True once a drain has begun; it never ends.</summary>
    public bool IsStarted { get; private set; }

    /// <summary>The <c>drain_timeout_secs</c> sent in <c>graceful_shutdown</c>: max(1, whole seconds).</summary>
    public ulong TimeoutSecs { get; private set; }

    /// <summary>Completes once a drain has begun and no worker is left.</summary>
    public Task Drained => _drained.Task;

    /// <summary>
    /// Completes once a drain has begun and nothing is queued; checked only once <see cref="WatchQueue"/>
    /// was called (cluster mode), then at the end of every operation.
    /// </summary>
    public Task QueueEmpty => _queueEmpty.Task;

    /// <summary>Starts checking <see cref="QueueEmpty"/> with <paramref name="queued"/> (the first counter given stays), and checks it now.</summary>
    public void WatchQueue(Func<int> queued)
    {
        _queued ??= queued;
        CompleteIfQueueEmpty();
    }

    /// <summary>Begins the drain; false (and nothing changes) when one already began.</summary>
    public bool TryBegin(TimeSpan timeout)
    {
        if (IsStarted) return false;
        IsStarted = true;
        TimeoutSecs = Math.Max(1UL, (ulong)Math.Max(0, timeout.TotalSeconds));
        return true;
    }

    /// <summary>Arms the one deadline timer, <paramref name="timeout"/> from now.</summary>
    public void ArmDeadline(TimeSpan timeout) =>
        _timer = _time.CreateTimer(
            static state => ((DrainState)state!)._deadlineReached(), this, timeout, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Completes <see cref="Drained"/> when a drain has begun and <paramref name="workerCount"/> is 0, and
    /// <see cref="QueueEmpty"/> when it is watched and nothing is queued.
    /// </summary>
    public void CompleteIfEmpty(int workerCount)
    {
        if (IsStarted && workerCount == 0) _drained.TrySetResult();
        CompleteIfQueueEmpty();
    }

    private void CompleteIfQueueEmpty()
    {
        if (IsStarted && _queued?.Invoke() == 0) _queueEmpty.TrySetResult();
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();
}
