namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// What this proxy's shared-secret workers can do for one provider and model right now: the directory
/// offer a cluster replica announces to its peers. Tenant workers (registered with a client key) are left
/// out: they serve only their own key's requests, never a peer's.
/// </summary>
/// <param name="Provider">The provider the workers registered under.</param>
/// <param name="Model">A model they advertise (<c>*</c> for wildcard workers).</param>
/// <param name="Workers">Workers advertising it that are not draining.</param>
/// <param name="Capacity">Sum of their <c>max_concurrent</c>.</param>
/// <param name="InFlight">Requests in flight on them (a worker counts under each of its models).</param>
/// <param name="Queued">Requests of this provider queued for exactly this model.</param>
/// <param name="Free">Slots that could take a request now (workers neither draining nor ejected, below their load).</param>
internal sealed record ModelLoad(string Provider, string Model, int Workers, long Capacity, long InFlight, int Queued, long Free);
