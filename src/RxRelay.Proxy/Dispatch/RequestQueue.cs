namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// All queued requests, ordered by (original queue time, submission sequence). Indexed three ways:
/// <list type="bullet">
/// <item>one ordered set of everything: its minimum is the next queue deadline and the pick of a
/// <c>*</c> worker, O(log n);</item>
/// <item>one ordered set per model (across providers): a worker with k models finds its earliest
/// compatible request with k lookups, O(k log n), never scanning requests it can't serve;</item>
/// <item>a depth per provider, for <c>max_queue_len</c> and <c>/admin/stats</c>.</item>
/// </list>
/// Ordering by original queue time means a requeued request goes ahead of everything submitted after
/// it (upstream's "front of the queue"), while an even older queued request keeps its place.
/// </summary>
internal sealed class RequestQueue
{
    private static readonly Comparer<PendingRequest> ByAge = Comparer<PendingRequest>.Create(
        (a, b) => a.QueuedAt != b.QueuedAt ? a.QueuedAt.CompareTo(b.QueuedAt) : a.Sequence.CompareTo(b.Sequence));

    private readonly SortedSet<PendingRequest> _all = new(ByAge);
    private readonly Dictionary<string, SortedSet<PendingRequest>> _byModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _depthByProvider = new(StringComparer.Ordinal);
    private readonly List<string> _providersInOrder = [];

    public int Count => _all.Count;

    /// <summary>The request whose deadline comes first.</summary>
    public PendingRequest? Earliest => _all.Count == 0 ? null : _all.Min;

    /// <summary>Sets visited while looking for work for a worker; lets tests prove the index is used.</summary>
    public long Visits { get; private set; }

    /// <summary>All queued requests, oldest first.</summary>
    public IReadOnlyList<PendingRequest> Snapshot() => _all.ToList();

    public int DepthOf(string provider) => _depthByProvider.GetValueOrDefault(provider);

    public IReadOnlyList<KeyValuePair<string, int>> Depths() =>
        _providersInOrder.Select(p => KeyValuePair.Create(p, _depthByProvider[p])).ToList();

    public void Add(PendingRequest request)
    {
        _all.Add(request);
        var model = request.Submit.Model;
        if (!_byModel.TryGetValue(model, out var set)) _byModel[model] = set = new SortedSet<PendingRequest>(ByAge);
        set.Add(request);
        var provider = request.Submit.Provider;
        if (!_depthByProvider.TryGetValue(provider, out var depth)) _providersInOrder.Add(provider);
        _depthByProvider[provider] = depth + 1;
        request.IsQueued = true;
    }

    public void Remove(PendingRequest request)
    {
        if (!request.IsQueued) return;
        request.IsQueued = false;
        _all.Remove(request);
        var set = _byModel[request.Submit.Model];
        set.Remove(request);
        if (set.Count == 0) _byModel.Remove(request.Submit.Model);
        _depthByProvider[request.Submit.Provider]--;
    }

    /// <summary>The oldest queued request <paramref name="worker"/> can serve, from any provider.</summary>
    public PendingRequest? EarliestFor(WorkerState worker)
    {
        Visits++;
        if (worker.HasWildcard) return Earliest;
        PendingRequest? best = null;
        foreach (var model in worker.Models)
        {
            Visits++;
            if (!_byModel.TryGetValue(model, out var set)) continue;
            var candidate = set.Min!;
            if (best is null || ByAge.Compare(candidate, best) < 0) best = candidate;
        }

        return best;
    }
}
