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
    private readonly TimeSpan interval;
    private readonly TimeSpan timeout;
    private readonly Action sendPing;
    private readonly Action timedOut;
    private readonly ITimer outboundSilence;
    private readonly ITimer inboundSilence;
    private readonly ITimer pongWindow;
    private readonly Lock gate = new();
    private bool awaitingPong;
    private bool stopped;

    /// <summary>Creates the heartbeat; timers start at once.</summary>
    public WorkerHeartbeat(TimeProvider time, TimeSpan interval, TimeSpan timeout, Action sendPing, Action timedOut)
    {
        ArgumentNullException.ThrowIfNull(time);
        (this.interval, this.timeout, this.sendPing, this.timedOut) = (interval, timeout, sendPing, timedOut);
        outboundSilence = time.CreateTimer(_ => OnSilence(), null, interval, Timeout.InfiniteTimeSpan);
        inboundSilence = time.CreateTimer(_ => OnSilence(), null, interval, Timeout.InfiniteTimeSpan);
        pongWindow = time.CreateTimer(_ => OnPongWindowElapsed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A frame was written to the worker: restart the outbound-silence timer.</summary>
    public void OnSent()
    {
        lock (gate)
        {
            if (!stopped)
            {
                outboundSilence.Change(interval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Any frame arrived from the worker: it is alive; restart the inbound timer and end any pong wait.</summary>
    public void OnReceived()
    {
        lock (gate)
        {
            if (stopped)
            {
                return;
            }

            awaitingPong = false;
            pongWindow.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            inboundSilence.Change(interval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops every timer; no callback runs afterwards (one already running may finish).</summary>
    public void Dispose()
    {
        lock (gate)
        {
            stopped = true;
        }

        outboundSilence.Dispose();
        inboundSilence.Dispose();
        pongWindow.Dispose();
    }

    private void OnSilence()
    {
        lock (gate)
        {
            // One ping at a time: while a pong is awaited, the pong window alone decides.
            if (stopped || awaitingPong)
            {
                return;
            }

            awaitingPong = true;
            pongWindow.Change(timeout, Timeout.InfiniteTimeSpan);
            inboundSilence.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        sendPing();
    }

    private void OnPongWindowElapsed()
    {
        lock (gate)
        {
            if (stopped || !awaitingPong)
            {
                return;
            }

            stopped = true;
        }

        timedOut();
    }
}
