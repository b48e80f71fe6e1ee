using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The operations of <see cref="Dispatcher"/>; semantics are those of the same-named core methods. Each
/// runs to its end before returning. The HTTP-facing ones take the caller's token, checked once before
/// the operation: a caller that already gave up changes nothing.
/// </summary>
internal sealed partial class Dispatcher
{
    /// <summary>
    /// Registers an authenticated worker from its <c>register</c> frame. The core sends the
    /// <c>register_ack</c> through <paramref name="sink"/> (first frame) and may send requests right after.
    /// </summary>
    /// <param name="tenant">The client API key id the worker authenticated with; null for the shared secret.</param>
    public WorkerRegistration RegisterWorker(string provider, Register register, IWorkerFrameSink sink, string? tenant = null) =>
        Invoke(core => core.RegisterWorker(
            provider, register.WorkerName, register.Models, register.MaxConcurrent,
            register.CurrentLoad ?? 0, register.ProtocolVersion, sink, tenant));

    /// <summary><c>models_update</c> from a registered worker; see <see cref="DispatchCore.OnModelsUpdate"/>.</summary>
    public FrameVerdict OnModelsUpdate(string workerId, ModelsUpdate update) =>
        Invoke(core => core.OnModelsUpdate(workerId, update.Models, update.CurrentLoad));

    /// <summary><c>pong</c>; see <see cref="DispatchCore.OnPong"/>.</summary>
    public FrameVerdict OnPong(string workerId, Pong pong) =>
        Invoke(core => core.OnPong(workerId, pong.CurrentLoad));

    /// <summary><c>response_chunk</c>; see <see cref="DispatchCore.OnChunk"/>.</summary>
    public FrameVerdict OnChunk(string workerId, ResponseChunk chunk) =>
        Invoke(core => core.OnChunk(workerId, chunk.RequestId, chunk.Chunk));

    /// <summary><c>response_complete</c>; see <see cref="DispatchCore.OnComplete"/>.</summary>
    public FrameVerdict OnComplete(string workerId, ResponseComplete complete) =>
        Invoke(core => core.OnComplete(workerId, complete));

    /// <summary>A violation the socket layer detected; the core closes the worker 1002 and requeues.</summary>
    public void OnProtocolViolation(string workerId) =>
        Invoke(core => core.OnProtocolViolation(workerId));

    /// <summary>The socket ended for any reason; requeues or fails its requests. Safe to call twice.</summary>
    public bool OnWorkerGone(string workerId) =>
        Invoke(core => core.OnWorkerGone(workerId));

    /// <summary>Submits a client request; see <see cref="DispatchCore.Submit"/>.</summary>
    public SubmitOutcome Submit(SubmitRequest request, CancellationToken cancellationToken = default) =>
        Invoke(core => core.Submit(request), cancellationToken);

    /// <summary>Runs a request at once on a local worker with a free slot, or refuses it; see <see cref="DispatchCore.TrySubmitNow"/>.</summary>
    public SubmitOutcome TrySubmitNow(SubmitRequest request, CancellationToken cancellationToken = default) =>
        Invoke(core => core.TrySubmitNow(request), cancellationToken);

    /// <summary>
    /// The client went away (use <see cref="CancelReason.ClientDisconnect"/>). Call it from the handler's
    /// abort path; see <see cref="DispatchCore.Cancel"/>.
    /// </summary>
    public bool Cancel(string requestId, CancelReason reason) =>
        Invoke(core => core.Cancel(requestId, reason));

    /// <summary>Starts the SIGTERM drain; await <see cref="Drained"/> (bounded by the timeout) before exiting.</summary>
    public void BeginDrain(TimeSpan timeout) =>
        Invoke(core => core.BeginDrain(timeout));

    /// <summary>Workers and queue depths for <c>/health</c>, <c>/admin/workers</c>, <c>/admin/stats</c>.</summary>
    public DispatchSnapshot GetSnapshot(CancellationToken cancellationToken = default) =>
        Invoke(core => core.Snapshot(), cancellationToken);

    /// <summary>The levels the metric gauges report; called once per gauge per scrape.</summary>
    public DispatchGauges GetGauges() => Invoke(core => core.Gauges());

    /// <summary>What the shared-secret workers offer per provider and model, for the cluster directory.</summary>
    public IReadOnlyList<ModelLoad> GetModelLoads() => Invoke(core => core.ModelLoads());

    /// <summary>The models some worker advertises now; read without the lock.</summary>
    public RegisteredModels RegisteredModels => _core.RegisteredModels;

    /// <summary>The <c>/v1/models</c> list for the proxy's provider (docs/protocol.md#http-models).</summary>
    public IReadOnlyList<string> GetModelCatalog(string provider, CancellationToken cancellationToken = default) =>
        Invoke(core => core.ModelCatalog(provider), cancellationToken);
}
