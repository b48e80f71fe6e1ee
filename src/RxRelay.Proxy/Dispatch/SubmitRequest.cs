namespace RxRelay.Proxy.Dispatch;

/// <summary>One client inference request as the HTTP layer hands it to the core.</summary>
/// <param name="Provider">The provider it is submitted under (the proxy's <c>--provider</c>).</param>
/// <param name="Model">The <c>model</c> field of the body, matched exactly (or by a <c>*</c> worker).</param>
/// <param name="EndpointPath">e.g. <c>/v1/chat/completions</c>; sent to the worker unchanged.</param>
/// <param name="IsStreaming">The body's <c>stream</c> flag.</param>
/// <param name="Body">The raw body text, byte-identical.</param>
/// <param name="Headers">Forwarded headers (docs/protocol.md#http-forwarded-headers), lowercase names.</param>
/// <param name="Tenant">
/// Id of the client API key that authenticated the request, or null. Workers registered with a key serve
/// only requests of that key; shared-secret workers serve everyone (<see cref="WorkerState.Serves"/>).
/// </param>
/// <param name="Observer">Told when the request is dispatched or requeued (metrics, access log); none when null.</param>
internal sealed record SubmitRequest(
    string Provider,
    string Model,
    string EndpointPath,
    bool IsStreaming,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    string? Tenant = null,
    IDispatchObserver? Observer = null);

/// <summary>
/// Result of a submission. The id counter advances for every submission, so <see cref="RequestId"/> is
/// set even when the request was rejected.
/// </summary>
/// <param name="RequestId">The id, <c>request-N</c>.</param>
/// <param name="Handle">The accepted request's event stream; <see langword="null"/> when rejected.</param>
/// <param name="Rejection">Why it was refused at once (QueueFull / NoWorkersAvailable); else null.</param>
internal sealed record SubmitOutcome(string RequestId, RequestHandle? Handle, DispatchFailure? Rejection)
{
    /// <summary>True when the request was accepted (dispatched or queued).</summary>
    public bool IsAccepted => Handle is not null;
}
