namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The queued requests of client API keys (tenants), so a worker registered with key K finds K's oldest
/// request it can serve without visiting anyone else's: one ordered set per tenant (for a <c>*</c>
/// worker) and one per (tenant, model), O(k log n) for a worker with k models, as
/// <see cref="RequestQueue"/>'s own per-model view. Requests without a tenant are not held here: only
/// shared-secret workers serve them, and those use the queue's views. Owned by <see cref="RequestQueue"/>.
/// </summary>
internal sealed class TenantQueueIndex(IComparer<PendingRequest> order)
{
    private readonly Dictionary<string, SortedSet<PendingRequest>> _byTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Model), SortedSet<PendingRequest>> _byTenantModel = [];

    public void Add(PendingRequest request)
    {
        if (request.Submit.Tenant is not { } tenant) return;
        AddTo(_byTenant, tenant, request);
        AddTo(_byTenantModel, (tenant, request.Submit.Model), request);
    }

    public void Remove(PendingRequest request)
    {
        if (request.Submit.Tenant is not { } tenant) return;
        RemoveFrom(_byTenant, tenant, request);
        RemoveFrom(_byTenantModel, (tenant, request.Submit.Model), request);
    }

    /// <summary>The oldest queued request of <paramref name="tenant"/> that a worker with these models can serve.</summary>
    public PendingRequest? EarliestFor(string tenant, WorkerState worker)
    {
        if (worker.HasWildcard) return _byTenant.GetValueOrDefault(tenant)?.Min;
        PendingRequest? best = null;
        foreach (var model in worker.Models)
        {
            if (_byTenantModel.GetValueOrDefault((tenant, model))?.Min is not { } candidate) continue;
            if (best is null || order.Compare(candidate, best) < 0) best = candidate;
        }

        return best;
    }

    private void AddTo<TKey>(Dictionary<TKey, SortedSet<PendingRequest>> sets, TKey key, PendingRequest request)
        where TKey : notnull
    {
        if (!sets.TryGetValue(key, out var set)) sets[key] = set = new SortedSet<PendingRequest>(order);
        set.Add(request);
    }

    private static void RemoveFrom<TKey>(Dictionary<TKey, SortedSet<PendingRequest>> sets, TKey key, PendingRequest request)
        where TKey : notnull
    {
        if (!sets.TryGetValue(key, out var set)) return;
        set.Remove(request);
        if (set.Count == 0) sets.Remove(key);
    }
}
