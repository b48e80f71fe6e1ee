using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace RxRelay.Reactive;

/// <summary>
/// The worker's idle rule (docs/protocol.md#worker-idle-timeout, with RxRelay's fix for long streams,
/// docs/differences-from-upstream.md#worker-idle-while-busy):
/// every inbound frame restarts the timer; outbound traffic does not (it never passes through here);
/// while the worker is busy the timer cannot fire, and it restarts the moment the worker becomes idle.
/// </summary>
public static class IdleTimeoutObservableExtensions
{
    /// <summary>
    /// Upstream's idle timeout, 90 s: the one source of the worker's <c>--idle-timeout-secs</c> default,
    /// its help text, and the reconnect rule's long-session threshold.
    /// </summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Passes <paramref name="inbound"/> through and fails with <see cref="IdleTimeoutException"/> when
    /// <paramref name="idleTimeout"/> passes with no inbound element while <paramref name="busy"/> is false.
    /// </summary>
    /// <param name="inbound">Everything received from the peer.</param>
    /// <param name="idleTimeout">Allowed silence, e.g. <see cref="DefaultIdleTimeout"/>.</param>
    /// <param name="busy">
    /// True while requests are in flight. A busy socket's liveness comes from transport-level PING/PONG
    /// instead, so a long answer streamed to a peer that never writes is not cut.
    /// </param>
    /// <param name="scheduler">Clock of the timer.</param>
    public static IObservable<T> IdleTimeout<T>(
        this IObservable<T> inbound, TimeSpan idleTimeout, IObservable<bool> busy, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(busy);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        var idle = Observable.Throw<Liveness<T>>(new IdleTimeoutException(idleTimeout));
        return inbound.Publish(frames => frames
            .Select(Liveness<T>.Frame)
            .Merge(BusyTicks<T>(busy, idleTimeout, scheduler).TakeUntil(frames.IgnoreElements().Materialize()))
            .Timeout(idleTimeout, idle, scheduler)
            .Where(signal => signal.HasFrame)
            .Select(signal => signal.Value));
    }

    /// <summary>
    /// Emits at once and then every half timeout while busy, so the gap timer never runs out; emits once
    /// more when the worker turns idle, so the timer starts from that moment.
    /// </summary>
    private static IObservable<Liveness<T>> BusyTicks<T>(IObservable<bool> busy, TimeSpan idleTimeout, IScheduler scheduler)
        => busy
            .DistinctUntilChanged()
            .Select(isBusy => isBusy
                ? Observable.Interval(idleTimeout / 2, scheduler).StartWith(0L)
                : Observable.Return(0L))
            .Switch()
            .Select(_ => Liveness<T>.Tick);

    private readonly record struct Liveness<TValue>(bool HasFrame, TValue Value)
    {
        public static Liveness<TValue> Tick => default;

        public static Liveness<TValue> Frame(TValue value) => new(true, value);
    }
}
