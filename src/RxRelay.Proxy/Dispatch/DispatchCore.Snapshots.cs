namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>Workers (registration order) and queue depths, for <c>/health</c> and <c>/admin/*</c>.</summary>
    public DispatchSnapshot Snapshot()
    {
        var workers = _workers.Values
            .Select(w => new WorkerSnapshot(
                w.Id, w.Provider, w.Name, w.Models, w.InFlight.Count, w.MaxConcurrent, w.ReportedLoad, w.IsDraining))
            .ToList();
        return new DispatchSnapshot(workers, _queue.Depths());
    }

    /// <summary>
    /// <c>/v1/models</c> aggregation (reference 4.10): models of <paramref name="provider"/>'s workers in
    /// registration order, first-seen, without <c>*</c>; if that is empty, the same over all workers.
    /// Draining workers count.
    /// </summary>
    public IReadOnlyList<string> ModelCatalog(string provider)
    {
        var own = CollectModels(_workers.Values.Where(w => w.Provider == provider));
        return own.Count > 0 ? own : CollectModels(_workers.Values);
    }

    /// <summary>The requests in flight on a worker, in assignment order (test and admin visibility).</summary>
    public IReadOnlyList<string> InFlightOf(string workerId) =>
        FindWorker(workerId)?.InFlight.Select(r => r.Id).ToList() ?? [];

    /// <summary>Queued request ids, oldest first.</summary>
    public IReadOnlyList<string> QueuedIds() => _queue.Snapshot().Select(r => r.Id).ToList();

    private static List<string> CollectModels(IEnumerable<WorkerState> workers)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var models = new List<string>();
        foreach (var model in workers.SelectMany(w => w.Models))
        {
            if (model != ModelList.Wildcard && seen.Add(model)) models.Add(model);
        }

        return models;
    }
}
