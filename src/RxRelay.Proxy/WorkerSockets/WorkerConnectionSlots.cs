using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Counts worker sockets so the proxy refuses (HTTP 503, before accepting a WebSocket) the connect past
/// <see cref="ProxyOptions.MaxWorkers"/> authenticated sockets, or past
/// <see cref="WorkerSocketLimits.MaxUnauthenticatedInFlight"/> refusals still being told why. Thread-safe.
/// </summary>
internal sealed class WorkerConnectionSlots(ProxyOptions options)
{
    private int _workers;
    private int _unauthenticated;

    /// <summary>Authenticated worker sockets open now.</summary>
    public int Workers => Volatile.Read(ref _workers);

    /// <summary>Takes a worker slot; null when all <see cref="ProxyOptions.MaxWorkers"/> are taken. Dispose gives it back.</summary>
    public IDisposable? TryEnterWorker() => TryEnter(ref _workers, options.MaxWorkers, worker: true);

    /// <summary>Takes a slot for telling a refused caller why; null when too many are in flight.</summary>
    public IDisposable? TryEnterUnauthenticated() => TryEnter(ref _unauthenticated, WorkerSocketLimits.MaxUnauthenticatedInFlight, worker: false);

    private Slot? TryEnter(ref int counter, int limit, bool worker)
    {
        if (Interlocked.Increment(ref counter) > limit)
        {
            Interlocked.Decrement(ref counter);
            return null;
        }

        return new Slot(this, worker);
    }

    private sealed class Slot(WorkerConnectionSlots owner, bool worker) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                if (worker)
                {
                    Interlocked.Decrement(ref owner._workers);
                }
                else
                {
                    Interlocked.Decrement(ref owner._unauthenticated);
                }
            }
        }
    }
}
