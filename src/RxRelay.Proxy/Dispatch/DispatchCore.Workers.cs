using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    private readonly Dictionary<string, WorkerIndex> _indexByProvider = new(StringComparer.Ordinal);
    private readonly WorkerIndex _indexAnyProvider = new();

    /// <summary>
    /// Registers an authenticated worker (reference 2.4): sanitizes models, clamps
    /// <paramref name="maxConcurrent"/> 0 → 1, sends <c>register_ack</c> through
    /// <paramref name="outbox"/> as the worker's first frame, then at once hands it queued work it can
    /// serve (upstream waits for a pong). During a drain the new worker is drained straight away.
    /// </summary>
    /// <param name="protocolVersion">The worker's version, echoed in the ack (null → omitted).</param>
    public WorkerRegistration RegisterWorker(
        string provider, string workerName, IReadOnlyList<string> models, uint maxConcurrent,
        uint currentLoad, string? protocolVersion, IWorkerOutbox outbox)
    {
        var worker = new WorkerState(++_workerCounter, provider, workerName, maxConcurrent, outbox)
        {
            ReportedLoad = currentLoad,
        };
        worker.SetModels(ModelList.Sanitize(models));
        var registration = new WorkerRegistration(
            worker.Id, worker.Models, ModelList.RegistrationWarnings(workerName, worker.Models));
        _workers.Add(worker.Sequence, worker);
        _workersById.Add(worker.Id, worker);
        AddToIndexes(worker);
        Send(worker, new RegisterAck(worker.Id, worker.Models, registration.Warnings, protocolVersion));
        if (_drainStarted) StartDraining(worker);
        else PullFor(worker);
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
        RemoveFromIndexes(worker);
        worker.SetModels(ModelList.Sanitize(models));
        AddToIndexes(worker);
        worker.ReportedLoad = currentLoad;
        PullFor(worker);
        Settle();
        return FrameVerdict.Accepted;
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

    private void RemoveWorker(WorkerState worker, ushort? closeCode, string? closeReason)
    {
        _workers.Remove(worker.Sequence);
        _workersById.Remove(worker.Id);
        RemoveFromIndexes(worker);
        if (closeCode is { } code) worker.Outbox.Close(code, closeReason!);
        RecoverInFlight(worker);
    }

    private void AddToIndexes(WorkerState worker)
    {
        if (!_indexByProvider.TryGetValue(worker.Provider, out var index))
            _indexByProvider[worker.Provider] = index = new WorkerIndex();
        index.Add(worker);
        _indexAnyProvider.Add(worker);
    }

    private void RemoveFromIndexes(WorkerState worker)
    {
        var index = _indexByProvider[worker.Provider];
        index.Remove(worker);
        if (index.WorkerCount == 0) _indexByProvider.Remove(worker.Provider);
        _indexAnyProvider.Remove(worker);
    }
}
