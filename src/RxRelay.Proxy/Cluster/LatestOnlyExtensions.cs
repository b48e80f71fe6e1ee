using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxRelay.Proxy.Cluster;

/// <summary>An async projection for database calls that must neither overlap nor pile up.</summary>
internal static class LatestOnlyExtensions
{
    /// <summary>
    /// Runs <paramref name="run"/> for one element at a time. Elements that arrive meanwhile are not queued:
    /// only the latest is kept and run next, so a slow or hung database holds at most one call in progress
    /// and one waiting (<c>Concat</c> would queue every tick; <c>Switch</c> would cancel a slow call forever).
    /// Unsubscribing cancels the call in progress. <paramref name="run"/> reports its own failures in its result.
    /// </summary>
    public static IObservable<TResult> SelectLatestAsync<T, TResult>(this IObservable<T> source, Func<T, CancellationToken, Task<TResult>> run) =>
        Observable.Create<TResult>(observer =>
        {
            var gate = new Lock();
            var cancellation = new CancellationDisposable();
            var running = false;
            var completed = false;
            var hasPending = false;
            T pending = default!;

            var subscription = source.Subscribe(
                item =>
                {
                    lock (gate)
                    {
                        if (running)
                        {
                            (pending, hasPending) = (item, true);
                            return;
                        }

                        running = true;
                    }

                    _ = RunAsync(item);
                },
                error =>
                {
                    lock (gate) observer.OnError(error);
                },
                () =>
                {
                    lock (gate)
                    {
                        completed = true;
                        if (!running) observer.OnCompleted();
                    }
                });
            return new CompositeDisposable(subscription, cancellation);

            async Task RunAsync(T item)
            {
                while (true)
                {
                    TResult result;
                    try
                    {
                        result = await run(item, cancellation.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellation.IsDisposed)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        lock (gate) observer.OnError(ex);
                        return;
                    }

                    lock (gate)
                    {
                        observer.OnNext(result);
                        if (!hasPending)
                        {
                            running = false;
                            if (completed) observer.OnCompleted();
                            return;
                        }

                        (item, pending, hasPending) = (pending, default!, false);
                    }
                }
            }
        });
}
