namespace RxRelay.Proxy.Dispatch;

/// <summary>One worker as <c>/health</c> and <c>/admin/workers</c> show it (docs/protocol.md#http-health, docs/protocol.md#http-admin).</summary>
/// <param name="WorkerId">The id, <c>worker-N</c>.</param>
/// <param name="Provider">The provider it registered under.</param>
/// <param name="WorkerName">The name as sent (not trimmed).</param>
/// <param name="Models">Sanitized models, <c>*</c> included.</param>
/// <param name="InFlight">Requests currently assigned (cancelled ones are not counted: their slot is free).</param>
/// <param name="MaxConcurrent">Capacity, at least 1.</param>
/// <param name="ReportedLoad">The load the core tracks (last reported, +1 per assignment, −1 per completion).</param>
/// <param name="IsDraining">True after <c>graceful_shutdown</c> was sent.</param>
internal sealed record WorkerSnapshot(
    string WorkerId,
    string Provider,
    string WorkerName,
    IReadOnlyList<string> Models,
    int InFlight,
    uint MaxConcurrent,
    uint ReportedLoad,
    bool IsDraining);

/// <summary>A consistent view of the core for the status endpoints.</summary>
/// <param name="Workers">Workers in registration order.</param>
/// <param name="QueueDepths">
/// Queue length per provider, in order of first use; a provider appears once a request was queued
/// for it and stays (possibly 0), as <c>/admin/stats</c> expects.
/// </param>
internal sealed record DispatchSnapshot(
    IReadOnlyList<WorkerSnapshot> Workers,
    IReadOnlyList<KeyValuePair<string, int>> QueueDepths)
{
    /// <summary>Sum of all provider queues (<c>/health</c> <c>queue_depth</c>).</summary>
    public int TotalQueueDepth => QueueDepths.Sum(pair => pair.Value);
}
