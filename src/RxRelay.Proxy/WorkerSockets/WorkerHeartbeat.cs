namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// The proxy's heartbeat for one worker socket. A <c>ping</c> is sent when nothing has been <em>sent</em> to
/// the worker for the interval, or nothing <em>received</em> from it for the interval; when nothing at all
/// arrives within the timeout of a ping, the worker is declared dead.
/// </summary>
/// <remarks>
/// Upstream only pings on inbound silence, so a worker that is busy streaming never hears from the proxy
/// and its own idle timer cuts the stream (docs/differences-from-upstream.md#proxy-heartbeat); the outbound rule feeds that timer.
/// Timers are re-armed on activity (no polling) and come from the injected <see cref="TimeProvider"/>.
/// Callbacks run outside the internal lock, on the timer's thread.
/// </remarks>
internal sealed class WorkerHeartbeat : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly Action _sendPing;
    private readonly Action _timedOut;
    private readonly ITimer _outboundSilence;
    private readonly ITimer _inboundSilence;
    private readonly ITimer _pongWindow;
    private readonly Lock _gate = new();
    private bool _awaitingPong;
    private bool _stopped;

    /// <summary>Creates the heartbeat; timers start at once.</summary>
    public WorkerHeartbeat(TimeProvider time, TimeSpan interval, TimeSpan timeout, Action sendPing, Action timedOut)
    {
        ArgumentNullException.ThrowIfNull(time);
        (_interval, _timeout, _sendPing, _timedOut) = (interval, timeout, sendPing, timedOut);
        _outboundSilence = time.CreateTimer(_ => OnSilence(), null, interval, Timeout.InfiniteTimeSpan);
        _inboundSilence = time.CreateTimer(_ => OnSilence(), null, interval, Timeout.InfiniteTimeSpan);
        _pongWindow = time.CreateTimer(_ => OnPongWindowElapsed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A frame was written to the worker: restart the outbound-silence timer.</summary>
    public void OnSent()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _outboundSilence.Change(_interval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Any frame arrived from the worker: it is alive; restart the inbound timer and end any pong wait.</summary>
    public void OnReceived()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _awaitingPong = false;
            _pongWindow.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _inboundSilence.Change(_interval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops every timer; no callback runs afterwards (one already running may finish).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        _outboundSilence.Dispose();
        _inboundSilence.Dispose();
        _pongWindow.Dispose();
    }

    private void OnSilence()
    {
        lock (_gate)
        {
            // One ping at a time: while a pong is awaited, the pong window alone decides.
            if (_stopped || _awaitingPong)
            {
                return;
            }

            _awaitingPong = true;
            _pongWindow.Change(_timeout, Timeout.InfiniteTimeSpan);
            _inboundSilence.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _sendPing();
    }

    private void OnPongWindowElapsed()
    {
        lock (_gate)
        {
            if (_stopped || !_awaitingPong)
            {
                return;
            }

            _stopped = true;
        }

        _timedOut();
    }
}
