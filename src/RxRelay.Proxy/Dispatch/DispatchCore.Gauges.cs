namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>
    /// The levels for the metric gauges; O(workers × models + queued + in flight), run only per scrape.
    /// </summary>
    public DispatchGauges Gauges()
    {
        // Every registered model and "other" is reported, 0 included, so a drained queue reads 0 rather
        // than vanishing from the scrape.
        var queued = new Dictionary<string, int>(StringComparer.Ordinal) { [DispatchGauges.OtherModel] = 0 };
        foreach (var worker in _workers.Values)
            foreach (var model in worker.Models)
                if (model != ModelList.Wildcard) queued[model] = 0;
        var inFlight = new Dictionary<string, int>(queued, StringComparer.Ordinal);
        foreach (var request in _queue.Snapshot())
            Increment(queued, ModelLabel(request.Submit.Model), 1);

        var workers = DispatchGauges.WorkerStates.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var capacity = new Dictionary<string, long>(StringComparer.Ordinal);
        var busy = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var worker in _workers.Values)
        {
            workers[worker.IsDraining ? "draining" : worker.IsEjected ? "ejected" : "active"]++;
            foreach (var request in worker.InFlight)
                Increment(inFlight, ModelLabel(request.Submit.Model), 1);
            foreach (var model in worker.Models)
            {
                Increment(capacity, model, (long)worker.MaxConcurrent);
                Increment(busy, model, (long)worker.InFlight.Count);
            }
        }

        return new DispatchGauges(queued, inFlight, workers, capacity, busy);
    }

    private string ModelLabel(string model) =>
        _registeredModels.Contains(model) ? model : DispatchGauges.OtherModel;

    private static void Increment<T>(Dictionary<string, T> counts, string key, T by)
        where T : System.Numerics.INumber<T> =>
        counts[key] = counts.GetValueOrDefault(key, T.Zero) + by;
}
