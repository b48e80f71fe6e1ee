using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>The operations of <see cref="Dispatcher"/>; semantics are those of the same-named core methods.</summary>
internal sealed partial class Dispatcher
{
    /// <summary>
    /// Registers an authenticated worker from its <c>register</c> frame. The core sends the
    /// <c>register_ack</c> through <paramref name="outbox"/> (first frame) and may send requests right after.
    /// </summary>
    public Task<WorkerRegistration> RegisterWorkerAsync(
        string provider, Register register, IWorkerOutbox outbox, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.RegisterWorker(
            provider, register.WorkerName, register.Models, register.MaxConcurrent,
            register.CurrentLoad ?? 0, register.ProtocolVersion, outbox), cancellationToken);

    /// <summary><c>models_update</c> from a registered worker; see <see cref="DispatchCore.OnModelsUpdate"/>.</summary>
    public Task<FrameVerdict> OnModelsUpdateAsync(string workerId, ModelsUpdate update, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.OnModelsUpdate(workerId, update.Models, update.CurrentLoad), cancellationToken);

    /// <summary><c>pong</c>; see <see cref="DispatchCore.OnPong"/>.</summary>
    public Task<FrameVerdict> OnPongAsync(string workerId, Pong pong, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.OnPong(workerId, pong.CurrentLoad), cancellationToken);

    /// <summary><c>response_chunk</c>; see <see cref="DispatchCore.OnChunk"/>.</summary>
    public Task<FrameVerdict> OnChunkAsync(string workerId, ResponseChunk chunk, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.OnChunk(workerId, chunk.RequestId, chunk.Chunk), cancellationToken);

    /// <summary><c>response_complete</c>; see <see cref="DispatchCore.OnComplete"/>.</summary>
    public Task<FrameVerdict> OnCompleteAsync(string workerId, ResponseComplete complete, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.OnComplete(workerId, complete), cancellationToken);

    /// <summary>A violation the socket layer detected; the core closes the worker 1002 and requeues.</summary>
    public Task OnProtocolViolationAsync(string workerId, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => { core.OnProtocolViolation(workerId); return true; }, cancellationToken);

    /// <summary>The socket ended for any reason; requeues or fails its requests. Safe to call twice.</summary>
    public Task<bool> OnWorkerGoneAsync(string workerId, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.OnWorkerGone(workerId), cancellationToken);

    /// <summary>Submits a client request; see <see cref="DispatchCore.Submit"/>.</summary>
    public Task<SubmitOutcome> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.Submit(request), cancellationToken);

    /// <summary>
    /// The client went away (use <see cref="CancelReason.ClientDisconnect"/>). Call it from the handler's
    /// abort path without the aborted token; see <see cref="DispatchCore.Cancel"/>.
    /// </summary>
    public Task<bool> CancelAsync(string requestId, CancelReason reason) =>
        InvokeAsync(core => core.Cancel(requestId, reason));

    /// <summary>Starts the SIGTERM drain; await <see cref="Drained"/> (bounded by the timeout) before exiting.</summary>
    public Task BeginDrainAsync(TimeSpan timeout) =>
        InvokeAsync(core => { core.BeginDrain(timeout); return true; });

    /// <summary>Workers and queue depths for <c>/health</c>, <c>/admin/workers</c>, <c>/admin/stats</c>.</summary>
    public Task<DispatchSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.Snapshot(), cancellationToken);

    /// <summary>The <c>/v1/models</c> list for the proxy's provider (reference 4.10).</summary>
    public Task<IReadOnlyList<string>> GetModelCatalogAsync(string provider, CancellationToken cancellationToken = default) =>
        InvokeAsync(core => core.ModelCatalog(provider), cancellationToken);
}
