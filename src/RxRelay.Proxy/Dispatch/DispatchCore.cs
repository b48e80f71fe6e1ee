using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The proxy's dispatch state machine: workers, queues and in-flight requests (docs/protocol.md#dispatch,
/// with the RxRelay fixes of docs/differences-from-upstream.md#proxy). Synchronous and <b>not thread-safe</b>: exactly one caller at a
/// time, which in production is the <see cref="Dispatcher"/>, calling it under its lock; tests drive it
/// directly.
/// <para>
/// Event-driven: a request is dispatched the moment a compatible worker has room — on submit,
/// completion, cancel, registration, requeue, pong and <c>models_update</c>. There is no tick. Effects
/// go out synchronously and without blocking: frames to <see cref="IWorkerFrameSink"/>, events to each
/// request's bounded <see cref="RequestStream"/>. Time comes only from the injected
/// <see cref="TimeProvider"/>; timer callbacks are handed to <c>post</c> so they run on the same single
/// writer as every other call.
/// </para>
/// <para>
/// Its state is all here; the parts with rules of their own are collaborators it owns:
/// <see cref="WorkerSelector"/> (model indexes, round robin), <see cref="RequestQueue"/> (queue order and
/// the queue timeout), <see cref="OutlierDetector"/> (first-event deadlines, ejections) and
/// <see cref="DrainState"/>. Request operations are in <c>DispatchCore.Requests.cs</c>, outlier ejection
/// in <c>DispatchCore.Outliers.cs</c>.
/// </para>
/// </summary>
internal sealed partial class DispatchCore : IDisposable
{
    private readonly DispatchOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<Action> _post;
    private readonly ILogger _logger;

    // Registration order: snapshots, /v1/models and drain walk it; keyed by the never-reused sequence.
    private readonly SortedDictionary<long, WorkerState> _workers = [];
    private readonly Dictionary<string, WorkerState> _workersById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);

    // Live requests whose current attempt runs under a fresh wire id (PendingRequest.RetryWireId), by that id.
    private readonly Dictionary<string, PendingRequest> _retriesByWireId = new(StringComparer.Ordinal);
    private readonly Queue<WorkerState> _lostWorkers = new();
    private readonly WorkerSelector _selector = new();
    private readonly RegisteredModels _registeredModels = new();
    private readonly RequestQueue _queue;
    private readonly DrainState _drain;
    private readonly OutlierDetector _outliers;
    private long _workerCounter;
    private long _requestCounter;

    /// <summary>Creates the core.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="time">The only clock; <c>FakeTimeProvider</c> in tests.</param>
    /// <param name="post">
    /// Runs a timer callback on the single writer. The <see cref="Dispatcher"/> runs it under its lock
    /// (right after the current operation when the timer fired inside one); tests pass <c>a => a()</c>
    /// because <c>FakeTimeProvider.Advance</c> fires timers on the test thread.
    /// </param>
    /// <param name="logger">Where outlier ejections are logged; none when null.</param>
    public DispatchCore(DispatchOptions options, TimeProvider time, Action<Action> post, ILogger? logger = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        _options = options;
        _time = time;
        _post = post;
        _queue = new RequestQueue(options.QueueTimeout, time, () => _post(OnQueueDeadline), ExpireQueued);
        _drain = new DrainState(time, () => _post(OnDrainDeadline));
        _outliers = new OutlierDetector(options, time, () => _post(OnOutlierDeadline));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Requests currently queued or in flight.</summary>
    public int LiveRequestCount => _requests.Count;

    /// <summary>The models some worker advertises now; safe to read from any thread (metric labels).</summary>
    public RegisteredModels RegisteredModels => _registeredModels;

    /// <summary>Queued requests across providers.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>Completes once a drain has begun and no worker is left; the host may then exit.</summary>
    public Task Drained => _drain.Drained;

    /// <summary>Workers examined by selection so far; lets tests prove the model index is used.</summary>
    internal long SelectionVisits => _selector.Visits;

    /// <summary>Queue sets examined by pulls so far.</summary>
    internal long QueueVisits => _queue.Visits;

    /// <inheritdoc />
    public void Dispose()
    {
        _queue.Dispose();
        _drain.Dispose();
        _outliers.Dispose();
    }

    /// <summary>
    /// Registers an authenticated worker (docs/protocol.md#registration): sanitizes models, clamps
    /// <paramref name="maxConcurrent"/> 0 → 1, sends <c>register_ack</c> through
    /// <paramref name="sink"/> as the worker's first frame, then at once hands it queued work it can
    /// serve (upstream waits for a pong). During a drain the new worker is drained straight away.
    /// </summary>
    /// <param name="protocolVersion">The worker's version, echoed in the ack (null → omitted).</param>
    /// <param name="tenant">The client API key id it authenticated with (serves only that key's requests); null for the shared secret.</param>
    public WorkerRegistration RegisterWorker(
        string provider, string workerName, IReadOnlyList<string> models, uint maxConcurrent,
        uint currentLoad, string? protocolVersion, IWorkerFrameSink sink, string? tenant = null)
    {
        var worker = new WorkerState(++_workerCounter, provider, workerName, maxConcurrent, sink)
        {
            ReportedLoad = currentLoad,
            Tenant = tenant,
        };
        SetModels(worker, models, out var distinct);
        var registration = new WorkerRegistration(
            worker.Id, worker.Models, ModelList.RegistrationWarnings(workerName, worker.Models, distinct));
        _workers.Add(worker.Sequence, worker);
        _workersById.Add(worker.Id, worker);
        _selector.Add(worker);
        _registeredModels.Add(worker.Models);
        Send(worker, new RegisterAck(worker.Id, worker.Models, registration.Warnings, protocolVersion));
        if (_drain.IsStarted)
        {
            StartDraining(worker);
        }
        else
        {
            _queue.MarkServed(worker);
            PullFor(worker);
        }
        Settle();
        return registration;
    }

    /// <summary>
    /// <c>models_update</c>: replaces the models (same sanitizing, no warnings), overwrites the reported
    /// load, then pulls queued work while the worker has room. Unknown worker → violation.
    /// </summary>
    public FrameVerdict OnModelsUpdate(string workerId, IReadOnlyList<string> models, uint currentLoad)
    {
        if (FindWorker(workerId) is not { } worker) return FrameVerdict.ProtocolViolation;
        _selector.Remove(worker);
        var previous = worker.Models;
        SetModels(worker, models, out _);
        _selector.Add(worker);
        _registeredModels.Add(worker.Models); // added before removed, so a kept model never reads as unregistered
        _registeredModels.Remove(previous);
        _outliers.NotePeersShrank(); // it may have dropped a model an ejected worker now serves alone
        _queue.MarkServed(worker);
        worker.ReportedLoad = currentLoad;
        PullFor(worker);
        Settle();
        return FrameVerdict.Accepted;
    }

    /// <summary>The sanitized, capped list becomes the worker's; a cut list is logged (docs/protocol.md#registration).</summary>
    private void SetModels(WorkerState worker, IReadOnlyList<string> models, out int distinct)
    {
        var kept = ModelList.Sanitize(models, out distinct);
        worker.SetModels(kept);
        if (distinct > kept.Count) DispatchLog.ModelsCapped(_logger, worker.Id, distinct, ModelList.MaxPerWorker);
    }

    /// <summary><c>pong</c>: overwrites the reported load, then pulls queued work while there is room.</summary>
    public FrameVerdict OnPong(string workerId, uint currentLoad)
    {
        if (FindWorker(workerId) is not { } worker) return FrameVerdict.ProtocolViolation;
        worker.ReportedLoad = currentLoad;
        PullFor(worker);
        Settle();
        return FrameVerdict.Accepted;
    }

    /// <summary>
    /// The socket layer saw a violation of its own (bad JSON, unknown type, binary frame, <c>error</c>,
    /// second <c>register</c>): the core closes the worker 1002 and requeues its requests.
    /// </summary>
    public void OnProtocolViolation(string workerId)
    {
        if (FindWorker(workerId) is { } worker)
            RemoveWorker(worker, WorkerCloseReasons.ProtocolErrorCode, WorkerCloseReasons.ProtocolError);
        Settle();
    }

    /// <summary>
    /// The socket is gone (close, EOF, read error, heartbeat timeout — the socket layer sends the close
    /// frame itself in that case). Requeues or fails its in-flight requests (see <see cref="RecoverInFlight"/>).
    /// Unknown ids (already removed by the core) are ignored. Returns whether the worker was known.
    /// </summary>
    public bool OnWorkerGone(string workerId)
    {
        var worker = FindWorker(workerId);
        if (worker is not null) RemoveWorker(worker, null, null);
        Settle();
        return worker is not null;
    }

    /// <summary>
    /// SIGTERM drain (docs/protocol.md#proxy-drain, which upstream never wires): every worker is marked draining and
    /// sent <c>graceful_shutdown {reason:"proxy server shutting down", drain_timeout_secs: max(1, whole
    /// seconds)}</c>; draining workers get no new work; one with nothing in flight is closed 1000
    /// <c>graceful shutdown complete</c>; at the deadline the rest fail their requests with
    /// <see cref="DispatchFailureKind.DrainTimedOut"/> (no cancel) and are closed 1000
    /// <c>graceful shutdown timed out</c>. Workers registering later are drained at once. A second call
    /// is ignored. Queued requests stay queued (and expire by the queue timeout).
    /// </summary>
    public void BeginDrain(TimeSpan timeout)
    {
        if (!_drain.TryBegin(timeout)) return;
        foreach (var worker in _workers.Values.ToArray()) StartDraining(worker);
        if (timeout > TimeSpan.Zero) _drain.ArmDeadline(timeout);
        else ExpireDrain();
        Settle();
    }

    /// <summary>Workers (registration order) and queue depths, for <c>/health</c> and <c>/admin/*</c>.</summary>
    public DispatchSnapshot Snapshot()
    {
        var workers = _workers.Values
            .Select(w => new WorkerSnapshot(
                w.Id, w.Provider, w.Name, w.Models, w.InFlight.Count, w.MaxConcurrent, w.ReportedLoad, w.IsDraining))
            .ToList();
        return new DispatchSnapshot(workers, _queue.Depths());
    }

    /// <summary>
    /// <c>/v1/models</c> aggregation (docs/protocol.md#http-models): models of <paramref name="provider"/>'s workers in
    /// registration order, first-seen, without <c>*</c>; if that is empty, the same over all workers.
    /// Draining workers count.
    /// </summary>
    public IReadOnlyList<string> ModelCatalog(string provider)
    {
        var own = ModelList.Catalog(_workers.Values.Where(w => w.Provider == provider));
        return own.Count > 0 ? own : ModelList.Catalog(_workers.Values);
    }

    /// <summary>
    /// The requests in flight on a worker, in assignment order, by the ids that worker knows them under (their
    /// wire ids: a retry may run under a fresh one, docs/protocol.md#requeue); for tests and admin visibility.
    /// </summary>
    public IReadOnlyList<string> InFlightOf(string workerId) =>
        FindWorker(workerId)?.InFlight.Select(r => r.WireId).ToList() ?? [];

    /// <summary>Queued requests' own ids (<see cref="PendingRequest.Id"/>), oldest first.</summary>
    public IReadOnlyList<string> QueuedIds() => _queue.Snapshot().Select(r => r.Id).ToList();

    private void RemoveWorker(WorkerState worker, ushort? closeCode, string? closeReason)
    {
        _workers.Remove(worker.Sequence);
        _workersById.Remove(worker.Id);
        _selector.Remove(worker);
        _registeredModels.Remove(worker.Models);
        _outliers.Forget(worker);
        _outliers.NotePeersShrank();
        if (closeCode is { } code) worker.Sink.Close(code, closeReason!);
        RecoverInFlight(worker);
    }

    /// <summary>
    /// A removed worker's in-flight requests, in assignment order (docs/protocol.md#requeue, with fixes):
    /// <list type="number">
    /// <item>requeue cap reached → fail <see cref="DispatchFailureKind.RequeueExhausted"/>;</item>
    /// <item>streaming and bytes already reached the client → fail
    /// <see cref="DispatchFailureKind.WorkerDisconnectedMidStream"/>; never replayed, so the client never
    /// sees duplicated output (upstream replays, docs/differences-from-upstream.md#proxy-no-stream-replay);</item>
    /// <item>otherwise count + 1, queue time kept, offered at once to any worker with room, else queued
    /// under the request's <i>own</i> provider (upstream uses the worker's, docs/differences-from-upstream.md#proxy-requeue-own-provider),
    /// ignoring <c>max_queue_len</c>.</item>
    /// </list>
    /// Cancelled requests are no longer in flight here (cancel frees the slot at once), so upstream's
    /// "already cancelled" branch cannot arise: their stream already ended with
    /// <see cref="DispatchFailureKind.Canceled"/>.
    /// </summary>
    private void RecoverInFlight(WorkerState worker)
    {
        var inFlight = worker.InFlight.ToArray();
        worker.InFlight.Clear();
        foreach (var request in inFlight)
        {
            request.Worker = null;
            _outliers.Untrack(request);
            Recover(request, RequeueReason.WorkerLost);
        }
    }

    /// <summary>
    /// One request taken off its worker: fail it or requeue it (rules of <see cref="RecoverInFlight"/>); a
    /// run-at-once one (<see cref="PendingRequest.RunsNow"/>) is always failed.
    /// </summary>
    private void Recover(PendingRequest request, RequeueReason reason)
    {
        if (request.RunsNow) // a run-at-once request goes back to the replica that forwarded it, never to this queue
            Fail(request, request.Submit.IsStreaming && request.Stream.HasStarted
                ? DispatchFailureKind.WorkerDisconnectedMidStream : DispatchFailureKind.WorkerLost);
        else if (request.RequeueCount >= _options.MaxRequeues)
            Fail(request, DispatchFailureKind.RequeueExhausted);
        else if (request.Submit.IsStreaming && request.Stream.HasStarted)
            Fail(request, DispatchFailureKind.WorkerDisconnectedMidStream);
        else
            Requeue(request, reason);
    }

    private void StartDraining(WorkerState worker)
    {
        worker.IsDraining = true;
        _outliers.NotePeersShrank();
        Send(worker, new GracefulShutdown(WorkerCloseReasons.DrainReason, _drain.TimeoutSecs));
        if (worker.InFlight.Count == 0)
            RemoveWorker(worker, WorkerCloseReasons.NormalCode, WorkerCloseReasons.GracefulShutdownComplete);
    }

    /// <summary>Drain timer callback, run on the single writer.</summary>
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
                _outliers.Untrack(request);
                Fail(request, DispatchFailureKind.DrainTimedOut); // no cancel: the close ends the work
            }

            worker.InFlight.Clear();
            RemoveWorker(worker, WorkerCloseReasons.NormalCode, WorkerCloseReasons.GracefulShutdownTimedOut);
        }
    }

    /// <summary>Queue timer callback, run on the single writer. Stale firings are harmless: expiry is by time.</summary>
    private void OnQueueDeadline()
    {
        _queue.OnDeadlineReached();
        Settle();
    }

    /// <summary>
    /// Sends a frame; a refusing sink marks the worker lost. Removal is deferred to
    /// <see cref="Settle"/> so no iteration over worker or request collections sees them change.
    /// </summary>
    private void Send(WorkerState worker, ProxyMessage message)
    {
        if (worker.IsLost || worker.Sink.TrySend(message)) return;
        worker.IsLost = true;
        _lostWorkers.Enqueue(worker);
    }

    /// <summary>
    /// Ends every public operation: applies due outlier deadlines, removes lost workers, reinstates ejected
    /// workers left alone for a model, expires due queued requests, re-arms the timers, checks drain.
    /// </summary>
    private void Settle()
    {
        ApplyOutlierDeadlines();
        while (true)
        {
            while (_lostWorkers.TryDequeue(out var lost))
            {
                if (_workersById.ContainsKey(lost.Id))
                    RemoveWorker(lost, WorkerCloseReasons.OutboxOverflowCode, WorkerCloseReasons.OutboxOverflow);
            }

            // A reinstated worker's pulls may find it lost, and its removal may leave another one alone.
            if (!_outliers.TakePeersShrank()) break;
            ReinstateWhereAlone();
        }

        _queue.ExpireDueAndRearm();
        _outliers.Rearm();
        _drain.CompleteIfEmpty(_workers.Count);
        SignalQueued();
    }

    private void ExpireQueued(PendingRequest request) => Fail(request, DispatchFailureKind.QueueTimeout);

    private WorkerState? FindWorker(string workerId) => _workersById.GetValueOrDefault(workerId);
}
