using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The proxy's dispatch state machine: workers, queues and in-flight requests (reference section 5,
/// with the RxRelay fixes of DESIGN.md). Synchronous and <b>not thread-safe</b>: exactly one caller at a
/// time, which in production is the <see cref="Dispatcher"/> loop; tests drive it directly.
/// <para>
/// Event-driven: a request is dispatched the moment a compatible worker has room — on submit,
/// completion, cancel, registration, requeue, pong and <c>models_update</c>. There is no tick. Effects
/// go out synchronously and without blocking: frames to <see cref="IWorkerOutbox"/>, events to each
/// request's bounded <see cref="RequestStream"/>. Time comes only from the injected
/// <see cref="TimeProvider"/>; timer callbacks are handed to <c>post</c> so they run on the same single
/// writer as every other call.
/// </para>
/// </summary>
internal sealed partial class DispatchCore : IDisposable
{
    private readonly DispatchOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<Action> _post;

    // Registration order: snapshots, /v1/models and drain walk it; keyed by the never-reused sequence.
    private readonly SortedDictionary<long, WorkerState> _workers = [];
    private readonly Dictionary<string, WorkerState> _workersById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly Queue<WorkerState> _lostWorkers = new();
    private long _workerCounter;
    private long _requestCounter;

    /// <summary>Creates the core.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="time">The only clock; <c>FakeTimeProvider</c> in tests.</param>
    /// <param name="post">
    /// Runs a timer callback on the single writer. The <see cref="Dispatcher"/> enqueues it on its loop;
    /// tests pass <c>a => a()</c> because <c>FakeTimeProvider.Advance</c> fires timers on the test thread.
    /// </param>
    public DispatchCore(DispatchOptions options, TimeProvider time, Action<Action> post)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        _options = options;
        _time = time;
        _post = post;
    }

    /// <summary>Requests currently queued or in flight.</summary>
    public int LiveRequestCount => _requests.Count;

    /// <summary>Queued requests across providers.</summary>
    public int QueuedCount => _queue.Count;

    /// <inheritdoc />
    public void Dispose()
    {
        _queueTimer?.Dispose();
        _drainTimer?.Dispose();
    }

    /// <summary>
    /// Sends a frame; a refusing outbox marks the worker lost. Removal is deferred to
    /// <see cref="Settle"/> so no loop over worker or request collections is mutated mid-iteration.
    /// </summary>
    private void Send(WorkerState worker, ProxyMessage message)
    {
        if (worker.IsLost || worker.Outbox.TrySend(message)) return;
        worker.IsLost = true;
        _lostWorkers.Enqueue(worker);
    }

    /// <summary>Ends every public operation: removes lost workers, re-arms the queue timer, checks drain.</summary>
    private void Settle()
    {
        while (_lostWorkers.TryDequeue(out var lost))
        {
            if (_workersById.ContainsKey(lost.Id))
                RemoveWorker(lost, WorkerCloseReasons.OutboxOverflowCode, WorkerCloseReasons.OutboxOverflow);
        }

        RearmQueueTimer();
        CheckDrained();
    }

    private WorkerState? FindWorker(string workerId) => _workersById.GetValueOrDefault(workerId);
}
