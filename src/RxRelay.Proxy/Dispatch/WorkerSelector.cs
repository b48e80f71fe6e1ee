namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Chooses the worker for a request: the model indexes (one per provider, one over all providers) and
/// the round-robin cursors. Owned by <see cref="DispatchCore"/> and called only from it, so not
/// thread-safe.
/// </summary>
internal sealed class WorkerSelector
{
    // The fallback pass keys its cursors under this provider name, as upstream does.
    private const string AnyProviderCursor = "_any";

    // Cursors are a fairness hint; a client inventing model names for a '*' worker must not grow this map
    // without bound, so it is simply reset when it gets large.
    private const int MaxCursors = 10_000;

    private readonly Dictionary<string, WorkerIndex> _indexByProvider = new(StringComparer.Ordinal);
    private readonly WorkerIndex _indexAnyProvider = new();
    private readonly Dictionary<(string Provider, string Model), long> _cursors = [];

    /// <summary>Workers examined by selection so far; lets tests prove the model index is used.</summary>
    public long Visits { get; private set; }

    /// <summary>Makes <paramref name="worker"/> selectable for its current models.</summary>
    public void Add(WorkerState worker)
    {
        if (!_indexByProvider.TryGetValue(worker.Provider, out var index))
            _indexByProvider[worker.Provider] = index = new WorkerIndex();
        index.Add(worker);
        _indexAnyProvider.Add(worker);
    }

    /// <summary>Forgets <paramref name="worker"/> (also before its models change).</summary>
    public void Remove(WorkerState worker)
    {
        var index = _indexByProvider[worker.Provider];
        index.Remove(worker);
        if (index.WorkerCount == 0) _indexByProvider.Remove(worker.Provider);
        _indexAnyProvider.Remove(worker);
    }

    /// <summary>
    /// The best worker with room for <paramref name="request"/>: first among its own provider's
    /// workers, then among all providers (docs/protocol.md#selection). Null when nobody has room.
    /// </summary>
    public WorkerState? Select(PendingRequest request)
    {
        var provider = request.Submit.Provider;
        return Select(_indexByProvider.GetValueOrDefault(provider), provider, request.Submit)
            ?? Select(_indexAnyProvider, AnyProviderCursor, request.Submit);
    }

    /// <summary>True if any non-draining worker of any provider that may serve the request advertises its model or <c>*</c>.</summary>
    public bool AnyWorkerAdvertises(SubmitRequest request) =>
        _indexAnyProvider.ExactFor(request.Model).Concat(_indexAnyProvider.Wildcard)
            .Any(w => !w.IsDraining && !w.IsLost && w.Serves(request));

    /// <summary>Workers of any provider advertising <paramref name="model"/> or <c>*</c>, in no particular order.</summary>
    public IEnumerable<WorkerState> Advertising(string model) =>
        _indexAnyProvider.ExactFor(model).Concat(_indexAnyProvider.Wildcard);

    /// <summary>
    /// Minimum selection load wins; ties go round-robin: the first tied worker registered after the
    /// last one chosen for this (provider, model), else the first tied worker. Positions are
    /// registration sequences, which do not shift when workers leave (upstream uses list indexes).
    /// One pass over the compatible workers only.
    /// </summary>
    private WorkerState? Select(WorkerIndex? index, string cursorProvider, SubmitRequest request)
    {
        if (index is null) return null;
        var model = request.Model;
        var cursor = _cursors.GetValueOrDefault((cursorProvider, model), long.MinValue);
        WorkerState? first = null;
        WorkerState? next = null;
        foreach (var worker in index.ExactFor(model).Concat(index.Wildcard))
        {
            Visits++;
            if (!worker.CanTakeWork || !worker.Serves(request)) continue;
            var load = worker.SelectionLoad;
            if (first is null || load < first.SelectionLoad)
            {
                first = worker;
                next = worker.Sequence > cursor ? worker : null;
                continue;
            }

            if (load != first.SelectionLoad) continue;
            if (worker.Sequence < first.Sequence) first = worker;
            if (worker.Sequence > cursor && (next is null || worker.Sequence < next.Sequence)) next = worker;
        }

        var chosen = next ?? first;
        if (chosen is not null) RememberCursor(cursorProvider, model, chosen.Sequence);
        return chosen;
    }

    private void RememberCursor(string provider, string model, long sequence)
    {
        if (_cursors.Count >= MaxCursors && !_cursors.ContainsKey((provider, model))) _cursors.Clear();
        _cursors[(provider, model)] = sequence;
    }
}
