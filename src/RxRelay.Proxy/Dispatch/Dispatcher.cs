namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The thread-safe single writer around <see cref="DispatchCore"/>. Every call — from HTTP handlers,
/// worker socket readers and timers, concurrently — runs the core under one lock, on the caller's own
/// thread, so the core never sees two operations at once and calls from one socket reader keep their
/// order. Every operation is synchronous: it has finished when it returns. Nothing the core does under
/// the lock blocks or calls back in: frames go into each socket's own bounded outbound queue and events
/// into each request's own channel, whose readers resume on the thread pool, never inside the lock.
/// <para>
/// Why a lock and not a command loop: every operation is a few microseconds of in-memory work, and a
/// loop costs two thread hand-offs per call (to the loop and back to the caller). At load those
/// wake-ups were most of the proxy's CPU per request (docs/benchmarks.md, "what was optimised").
/// </para>
/// <para>Register one instance per process (singleton) and dispose it at shutdown.</para>
/// </summary>
internal sealed partial class Dispatcher : IDisposable
{
    private readonly Lock _gate = new();

    // Timer callbacks that fired inside an operation (a fake clock can fire on CreateTimer itself):
    // applied right after that operation, never in the middle of it. Under the lock.
    private readonly Queue<Action> _deferred = new();
    private readonly DispatchCore _core;
    private bool _disposed;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="time">The only clock.</param>
    /// <param name="logger">Where the core's rare lines (outlier ejections) go; none when null.</param>
    public Dispatcher(DispatchOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        _core = new DispatchCore(options, time, PostFromTimer, logger);
    }

    /// <summary>Completes once <see cref="BeginDrain"/> was called and every worker is gone.</summary>
    public Task Drained => _core.Drained;

    /// <summary>Refuses every later call (<see cref="ObjectDisposedException"/>), then releases the timers.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _core.Dispose();
            }
        }
    }

    // Timer callbacks arrive on thread-pool threads and take the same lock as everything else.
    private void PostFromTimer(Action action)
    {
        if (_gate.IsHeldByCurrentThread)
        {
            _deferred.Enqueue(action);
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return; // nobody is left to time out
            }

            Guard(action);
            RunDeferred();
        }
    }

    private void RunDeferred()
    {
        while (_deferred.TryDequeue(out var action))
        {
            Guard(action);
        }
    }

    private static void Guard(Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // a timer tick must never break the dispatcher; the next operation re-arms timers anyway
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private T Invoke<T>(Func<DispatchCore, T> operation, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return operation(_core);
            }
            finally
            {
                RunDeferred();
            }
        }
    }

    private void Invoke(Action<DispatchCore> operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                operation(_core);
            }
            finally
            {
                RunDeferred();
            }
        }
    }
}
