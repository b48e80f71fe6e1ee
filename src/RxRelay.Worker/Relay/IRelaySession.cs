using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary>
/// Where a relay session writes its frames. <see cref="SendAsync"/> completes when the frame has been
/// handed to the socket, so a relay that awaits it reads its backend no faster than frames go out.
/// </summary>
internal interface IWorkerOutbound
{
    ValueTask SendAsync(WorkerMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The requests of one WebSocket session. The connection pipeline hands it every <c>request</c>,
/// <c>cancel</c> and <c>models_refresh</c>; it runs them against the backend and answers through the
/// session's <see cref="IWorkerOutbound"/>. Disposing it aborts every backend call it started, so
/// nothing outlives its session.
/// </summary>
internal interface IRelaySession : IAsyncDisposable
{
    /// <summary>
    /// Requests started, not yet completed and not cancelled by the proxy (a proxy frees a cancelled
    /// request's slot at once); what <c>pong.current_load</c> reports.
    /// </summary>
    int InFlight { get; }

    /// <summary>The in-flight count, now and after every change (for the idle rule's "busy" signal).</summary>
    IObservable<int> InFlightChanges { get; }

    /// <summary>Starts a request. Never throws: every failure becomes that request's completion.</summary>
    void Start(WorkerRequest request);

    /// <summary>Aborts a request's backend call and completes it (499) so the proxy frees the slot.</summary>
    void Cancel(CancelRequest cancel);

    /// <summary>Fetches the backend's models and sends <c>models_update</c>; a failure is logged, never fatal.</summary>
    void RefreshModels(ModelsRefresh refresh);

    /// <summary>After <c>graceful_shutdown</c> or host stop: new requests get a 503 completion.</summary>
    void BeginDraining();

    /// <summary>Waits until nothing is in flight or <paramref name="timeout"/> passes, then completes whatever remains with 503.</summary>
    Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Creates the relay of one session.</summary>
internal interface IRelaySessionFactory
{
    IRelaySession Create(IWorkerOutbound outbound);
}
