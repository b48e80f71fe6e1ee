using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _drainStarted;
    private ulong _drainTimeoutSecs;
    private ITimer? _drainTimer;

    /// <summary>Completes once a drain has begun and no worker is left; the host may then exit.</summary>
    public Task Drained => _drained.Task;

    /// <summary>
    /// SIGTERM drain (reference 6.2, which upstream never wires): every worker is marked draining and
    /// sent <c>graceful_shutdown {reason:"proxy server shutting down", drain_timeout_secs: max(1, whole
    /// seconds)}</c>; draining workers get no new work; one with nothing in flight is closed 1000
    /// <c>graceful shutdown complete</c>; at the deadline the rest fail their requests with
    /// <see cref="DispatchFailureKind.DrainTimedOut"/> (no cancel) and are closed 1000
    /// <c>graceful shutdown timed out</c>. Workers registering later are drained at once. A second call
    /// is ignored. Queued requests stay queued (and expire by the queue timeout).
    /// </summary>
    public void BeginDrain(TimeSpan timeout)
    {
        if (_drainStarted) return;
        _drainStarted = true;
        _drainTimeoutSecs = Math.Max(1UL, (ulong)Math.Max(0, timeout.TotalSeconds));
        foreach (var worker in _workers.Values.ToArray()) StartDraining(worker);
        if (timeout > TimeSpan.Zero)
            _drainTimer = _time.CreateTimer(
                static state => ((DispatchCore)state!).PostDrainDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
        else
            ExpireDrain();
        Settle();
    }

    private void StartDraining(WorkerState worker)
    {
        worker.IsDraining = true;
        Send(worker, new GracefulShutdown(WorkerCloseReasons.DrainReason, _drainTimeoutSecs));
        if (worker.InFlight.Count == 0)
            RemoveWorker(worker, WorkerCloseReasons.NormalCode, WorkerCloseReasons.GracefulShutdownComplete);
    }

    private void PostDrainDeadline() => _post(OnDrainDeadline);

    private void OnDrainDeadline()
    {
        ExpireDrain();
        Settle();
    }

    private void ExpireDrain()
    {
        foreach (var worker in _workers.Values.Where(w => w.IsDraining).ToArray())
        {
            foreach (var request in worker.InFlight)
            {
                request.Worker = null;
                Fail(request, DispatchFailureKind.DrainTimedOut); // no cancel: the close ends the work
            }

            worker.InFlight.Clear();
            RemoveWorker(worker, WorkerCloseReasons.NormalCode, WorkerCloseReasons.GracefulShutdownTimedOut);
        }
    }

    private void CheckDrained()
    {
        if (_drainStarted && _workers.Count == 0) _drained.TrySetResult();
    }
}
