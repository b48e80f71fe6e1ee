namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>
    /// Per provider and model, what the shared-secret workers offer (<see cref="ModelLoad"/>), ordered by
    /// provider then model (ordinal) so equal states compare equal. O(workers × models + queued).
    /// </summary>
    public IReadOnlyList<ModelLoad> ModelLoads()
    {
        var loads = new SortedDictionary<(string Provider, string Model), ModelLoad>(
            Comparer<(string Provider, string Model)>.Create(static (a, b) =>
                string.CompareOrdinal(a.Provider, b.Provider) is var byProvider and not 0 ? byProvider : string.CompareOrdinal(a.Model, b.Model)));
        foreach (var worker in _workers.Values)
        {
            if (worker.Tenant is not null || worker.IsDraining || worker.IsLost) continue;
            var free = worker.CanTakeWork ? worker.MaxConcurrent - worker.SelectionLoad : 0;
            foreach (var model in worker.Models)
            {
                var load = loads.GetValueOrDefault((worker.Provider, model)) ?? new ModelLoad(worker.Provider, model, 0, 0, 0, 0, 0);
                loads[(worker.Provider, model)] = load with
                {
                    Workers = load.Workers + 1,
                    Capacity = load.Capacity + worker.MaxConcurrent,
                    InFlight = load.InFlight + worker.InFlight.Count,
                    Free = load.Free + free,
                };
            }
        }

        foreach (var request in _queue.Snapshot())
        {
            var key = (request.Submit.Provider, request.Submit.Model);
            if (request.Submit.Tenant is null && loads.TryGetValue(key, out var load)) loads[key] = load with { Queued = load.Queued + 1 };
        }

        return [.. loads.Values];
    }
}
