namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Model → workers index of one scope (one provider, or all providers for the fallback pass).
/// A dispatch decision for model <c>m</c> visits only <c>byModel[m] ∪ wildcard</c>: O(1) to find the
/// sets, O(c) to scan them where c counts only workers that can serve <c>m</c>. Workers serving other
/// models are never touched (upstream scans every worker, docs/differences-from-upstream.md#proxy-model-index). A worker that
/// advertises <c>*</c> lives only in the wildcard set, so nobody is visited twice.
/// </summary>
internal sealed class WorkerIndex
{
    private static readonly HashSet<WorkerState> None = [];
    private readonly Dictionary<string, HashSet<WorkerState>> _byModel = new(StringComparer.Ordinal);
    private readonly HashSet<WorkerState> _wildcard = [];

    public int WorkerCount { get; private set; }

    public void Add(WorkerState worker)
    {
        WorkerCount++;
        if (worker.HasWildcard)
        {
            _wildcard.Add(worker);
            return;
        }

        foreach (var model in worker.Models)
        {
            if (!_byModel.TryGetValue(model, out var set)) _byModel[model] = set = [];
            set.Add(worker);
        }
    }

    public void Remove(WorkerState worker)
    {
        WorkerCount--;
        if (worker.HasWildcard)
        {
            _wildcard.Remove(worker);
            return;
        }

        foreach (var model in worker.Models)
        {
            if (!_byModel.TryGetValue(model, out var set)) continue;
            set.Remove(worker);
            if (set.Count == 0) _byModel.Remove(model); // no empty sets left behind by unusual model names
        }
    }

    /// <summary>Workers advertising exactly <paramref name="model"/>.</summary>
    public HashSet<WorkerState> ExactFor(string model) => _byModel.GetValueOrDefault(model) ?? None;

    /// <summary>Workers advertising <c>*</c>.</summary>
    public HashSet<WorkerState> Wildcard => _wildcard;
}
