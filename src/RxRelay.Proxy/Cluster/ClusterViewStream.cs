using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// This replica's view of the cluster, from directory reads (issue 14). A read is triggered at subscription,
/// by every notification, when LISTEN (re)connects (notifications sent while it was down are lost), and every
/// <see cref="DirectoryTiming.ResyncInterval"/>; triggers within <see cref="DirectoryTiming.ReadCoalescing"/>
/// make one read, and reads never overlap; a failed read is retried after <see cref="DirectoryTiming.ReadRetryDelay"/>
/// (it may have been the resync after a lost LISTEN, and the next period may be far). Between reads, a peer leaves the view when its heartbeat expires.
/// While reads fail there is no database time to judge by: the view is frozen (a peer's HTTP call still fails fast if it
/// is really gone), and at the first read that works, each peer already known gets one expiry period to heartbeat again.
/// A view is emitted only when it differs from the last one. Every time rule runs on the given scheduler.
/// </summary>
internal static class ClusterViewStream
{
    /// <summary>Builds the view stream.</summary>
    /// <param name="selfId">This replica's id, left out of the view.</param>
    /// <param name="signals">What the LISTEN connection reports.</param>
    /// <param name="read">Reads the whole directory; null when the database did not answer (the view keeps expiring).</param>
    /// <param name="timing">Coalescing window, resync period, expiry.</param>
    /// <param name="scheduler">The clock of every rule.</param>
    public static IObservable<ClusterView> Create(
        string selfId,
        IObservable<DirectorySignal> signals,
        Func<CancellationToken, Task<IReadOnlyList<ReplicaRow>?>> read,
        DirectoryTiming timing,
        IScheduler scheduler) =>
        Observable.Create<ClusterView>(observer =>
        {
            var gate = new Lock();
            var state = new ClusterViewState(selfId, timing.PeerExpiry);
            var expiryTimer = new SerialDisposable();
            var last = ClusterView.Empty;

            var retries = new Subject<Unit>();
            var retryTimer = new SerialDisposable();
            var unreachable = false;
            DateTimeOffset? graceUntil = null;
            var reads = Triggers(signals.Where(s => s != DirectorySignal.ListenLost).Select(_ => Unit.Default).Merge(retries), timing, scheduler)
                .SelectLatestAsync(async (_, ct) => (ReadAt: scheduler.Now, Rows: await read(ct).ConfigureAwait(false)))
                .Subscribe(
                    r =>
                    {
                        if (r.Rows is null)
                        {
                            // No database time: the view is frozen (no peer expires) until a read works again.
                            lock (gate)
                            {
                                unreachable = true;
                                expiryTimer.Disposable = Disposable.Empty;
                            }

                            // A failed read may have been the resync after a lost LISTEN: do not wait for the next period.
                            retryTimer.Disposable = scheduler.Schedule(timing.ReadRetryDelay, () => retries.OnNext(Unit.Default));
                            return;
                        }

                        Update(() =>
                        {
                            // Back after an outage: known peers could not heartbeat either; each gets one expiry period to do so.
                            if (unreachable) graceUntil = r.ReadAt + timing.PeerExpiry;
                            unreachable = false;
                            state.Apply(r.Rows, r.ReadAt, scheduler.Now, graceUntil > scheduler.Now ? graceUntil : null);
                        });
                    },
                    observer.OnError);
            return new CompositeDisposable(reads, expiryTimer, retryTimer, retries);

            void Update(Action change)
            {
                lock (gate)
                {
                    change();
                    var view = state.View;
                    if (!view.Equals(last))
                    {
                        last = view;
                        observer.OnNext(view);
                    }

                    expiryTimer.Disposable = state.NextExpiry is { } due
                        ? scheduler.Schedule(due, () => Update(() => state.Expire(scheduler.Now)))
                        : Disposable.Empty;
                }
            }
        });

    private static IObservable<Unit> Triggers(IObservable<Unit> requests, DirectoryTiming timing, IScheduler scheduler) =>
        requests
            .Merge(Observable.Interval(timing.ResyncInterval, scheduler).Select(_ => Unit.Default))
            .StartWith(scheduler, Unit.Default)
            .Sample(timing.ReadCoalescing, scheduler);
}
