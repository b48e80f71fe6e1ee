namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The dispatcher's current levels, as the metric gauges report them (<c>rxrelay_queue_depth</c>,
/// <c>rxrelay_requests_in_flight</c>, <c>rxrelay_workers</c>, <c>rxrelay_worker_slots</c>). Taken only when a
/// scrape asks, so the request path pays nothing for it. Model keys are already bounded: a model no
/// worker registered is <see cref="OtherModel"/>; a <c>*</c> worker's slots are under <c>*</c>.
/// </summary>
/// <param name="QueueDepth">Queued requests per model label.</param>
/// <param name="InFlight">Requests assigned to a worker per model label.</param>
/// <param name="Workers">Workers per state: <c>active</c>, <c>draining</c>, <c>ejected</c> (all three always present).</param>
/// <param name="Capacity">Sum of <c>max_concurrent</c> of the workers advertising each model.</param>
/// <param name="Busy">Requests in flight on the workers advertising each model (a worker counts under each of its models).</param>
internal sealed record DispatchGauges(
    IReadOnlyDictionary<string, int> QueueDepth,
    IReadOnlyDictionary<string, int> InFlight,
    IReadOnlyDictionary<string, int> Workers,
    IReadOnlyDictionary<string, long> Capacity,
    IReadOnlyDictionary<string, long> Busy)
{
    /// <summary>The label of every model that no worker currently registers.</summary>
    public const string OtherModel = "other";

    /// <summary>The values of the <c>state</c> label of <c>rxrelay_workers</c>.</summary>
    public static IReadOnlyList<string> WorkerStates { get; } = ["active", "draining", "ejected"];
}
