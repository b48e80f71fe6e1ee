namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Result of registering a worker. The core has already sent the matching <c>register_ack</c> through
/// the worker's frame sink (as its first frame, before any request), so the socket layer must not send one.
/// </summary>
/// <param name="WorkerId">The new id, <c>worker-N</c>; never reused.</param>
/// <param name="Models">The sanitized model list (trimmed, no empties, first-seen de-duplicated).</param>
/// <param name="Warnings">Ack warnings in upstream order; empty when none.</param>
internal sealed record WorkerRegistration(
    string WorkerId,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Warnings);
