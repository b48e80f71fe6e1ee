using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// <c>/v1/models</c> in cluster mode: the rule of a single replica (docs/protocol.md#http-models) applied to the
/// whole cluster. The models of this proxy's provider, from the local workers (draining and API-key workers
/// included, as in single mode) and from every live peer's offer (draining peers included: their workers are
/// still there or moving), <c>*</c> left out; if that is empty, the same over every provider. There is no
/// cluster-wide registration order, so the list is sorted (ordinal): every replica answers the same list once
/// the directory has converged (an API-key worker's models show only on its own replica: peers never see it).
/// </summary>
internal static class ClusterCatalog
{
    /// <summary>The cluster's model list for <paramref name="provider"/>.</summary>
    /// <param name="provider">The proxy's provider (<c>--provider</c>).</param>
    /// <param name="localWorkers">The local dispatcher's workers.</param>
    /// <param name="view">The live peers.</param>
    public static IReadOnlyList<string> For(string provider, IReadOnlyList<WorkerSnapshot> localWorkers, ClusterView view)
    {
        var own = Collect(localWorkers, view, provider);
        return own.Count > 0 ? own : Collect(localWorkers, view, null);
    }

    private static List<string> Collect(IReadOnlyList<WorkerSnapshot> localWorkers, ClusterView view, string? provider)
    {
        var local = localWorkers.Where(w => provider is null || w.Provider == provider).SelectMany(w => w.Models);
        var offered = view.Peers.SelectMany(p => p.Offer.Models).Where(m => provider is null || m.Provider == provider).Select(m => m.Model);
        var models = new SortedSet<string>(local.Concat(offered), StringComparer.Ordinal);
        models.Remove(ModelList.Wildcard);
        return [.. models];
    }
}
