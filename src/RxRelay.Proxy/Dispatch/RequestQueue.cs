namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// All queued requests, ordered by (original queue time, submission sequence). Indexed three ways:
/// <list type="bullet">
/// <item>one ordered set of everything: its minimum is the next queue deadline and the pick of a
/// <c>*</c> worker, O(log n);</item>
/// <item>one ordered set per model (across providers): a worker with k models finds its earliest
/// compatible request with k lookups, O(k log n), never scanning requests it can't serve;</item>
/// <item>a depth per provider, for <c>max_queue_len</c> and <c>/admin/stats</c>, and how many of those
/// count against the unserved share (docs/protocol.md#queue).</item>
/// </list>
/// Ordering by original queue time means a requeued request goes ahead of everything submitted after
/// it (upstream's "front of the queue"), while an even older queued request keeps its place.
/// <para>
/// The queue also owns the queue timeout: one timer, armed for the earliest deadline. Owned by
/// <see cref="DispatchCore"/> and called only from it, so not thread-safe.
/// </para>
/// </summary>
internal sealed class RequestQueue : IDisposable
{
    private static readonly Comparer<PendingRequest> ByAge = Comparer<PendingRequest>.Create(
        (a, b) => a.QueuedAt != b.QueuedAt ? a.QueuedAt.CompareTo(b.QueuedAt) : a.Sequence.CompareTo(b.Sequence));

    private readonly SortedSet<PendingRequest> _all = new(ByAge);
    private readonly TenantQueueIndex _tenants = new(ByAge);
    private readonly Dictionary<string, SortedSet<PendingRequest>> _byModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _depthByProvider = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _unservedByProvider = new(StringComparer.Ordinal);
    private readonly HashSet<PendingRequest> _unserved = [];
    private readonly List<string> _providersInOrder = [];
    private readonly TimeSpan? _timeout;
    private readonly TimeProvider _time;
    private readonly Action _deadlineReached;
    private readonly Action<PendingRequest> _expired;
    private ITimer? _timer;
    private DateTimeOffset? _armedDeadline;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="timeout">The queue timeout; null means queued requests never expire.</param>
    /// <param name="time">The clock of the deadline timer.</param>
    /// <param name="deadlineReached">
    /// Called from the timer's thread when the earliest deadline is reached; it must hand the work to the
    /// single writer, which then calls <see cref="OnDeadlineReached"/> and <see cref="ExpireDueAndRearm"/>.
    /// </param>
    /// <param name="expired">Ends a request that was taken off the queue because its deadline passed.</param>
    public RequestQueue(TimeSpan? timeout, TimeProvider time, Action deadlineReached, Action<PendingRequest> expired)
    {
        _timeout = timeout;
        _time = time;
        _deadlineReached = deadlineReached;
        _expired = expired;
    }

    public int Count => _all.Count;

    /// <summary>Requests ever added (requeues included); grows by one per <see cref="Add"/>.</summary>
    public long Added { get; private set; }

    /// <summary>The request whose deadline comes first.</summary>
    public PendingRequest? Earliest => _all.Count == 0 ? null : _all.Min;

    /// <summary>Sets visited while looking for work for a worker; lets tests prove the index is used.</summary>
    public long Visits { get; private set; }

    /// <summary>All queued requests, oldest first.</summary>
    public IReadOnlyList<PendingRequest> Snapshot() => _all.ToList();

    public int DepthOf(string provider) => _depthByProvider.GetValueOrDefault(provider);

    /// <summary>Queued requests of <paramref name="provider"/> that count against the unserved share.</summary>
    public int UnservedDepthOf(string provider) => _unservedByProvider.GetValueOrDefault(provider);

    public IReadOnlyList<KeyValuePair<string, int>> Depths() =>
        _providersInOrder.Select(p => KeyValuePair.Create(p, _depthByProvider[p])).ToList();

    /// <summary>Queues <paramref name="request"/>; <paramref name="unserved"/>: it counts against the unserved share.</summary>
    public void Add(PendingRequest request, bool unserved = false)
    {
        _all.Add(request);
        Added++;
        var model = request.Submit.Model;
        if (!_byModel.TryGetValue(model, out var set)) _byModel[model] = set = new SortedSet<PendingRequest>(ByAge);
        set.Add(request);
        var provider = request.Submit.Provider;
        if (!_depthByProvider.TryGetValue(provider, out var depth)) _providersInOrder.Add(provider);
        _depthByProvider[provider] = depth + 1;
        _tenants.Add(request);
        request.IsQueued = true;
        if (unserved) CountUnserved(request, +1);
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
        _tenants.Remove(request);
        if (_unserved.Contains(request)) CountUnserved(request, -1);
    }

    /// <summary>
    /// <paramref name="worker"/> now serves its models (with <c>*</c>: every model): their queued requests stop
    /// counting against the unserved share. The reverse never happens: a request queued while its model
    /// was served keeps its place in the served count when the model's last worker leaves.
    /// </summary>
    public void MarkServed(WorkerState worker)
    {
        if (_unserved.Count == 0 || worker.IsDraining) return;
        var candidates = worker.HasWildcard
            ? _unserved.Where(r => worker.Serves(r.Submit)).ToList()
            : worker.Models.SelectMany(m => _byModel.GetValueOrDefault(m) ?? []).Where(r => _unserved.Contains(r) && worker.Serves(r.Submit)).ToList();
        foreach (var request in candidates) CountUnserved(request, -1);
    }

    /// <summary>
    /// The oldest queued request <paramref name="worker"/> can serve, from any provider; a worker registered
    /// with a client API key sees only that key's requests (<see cref="WorkerState.Serves"/>).
    /// </summary>
    public PendingRequest? EarliestFor(WorkerState worker)
    {
        Visits++;
        if (worker.Tenant is { } tenant) return _tenants.EarliestFor(tenant, worker);
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

    /// <summary>
    /// The oldest queued request one of <paramref name="offered"/> covers (<see cref="ModelKey.Covers"/>); O(keys)
    /// lookups when requests of other providers do not share the models. Tenant-bound requests qualify: a peer's
    /// shared workers serve every key.
    /// </summary>
    public PendingRequest? EarliestMatching(IReadOnlyCollection<ModelKey> offered)
    {
        PendingRequest? best = null;
        foreach (var key in offered)
        {
            Visits++;
            var candidates = key.Model == ModelList.Wildcard ? _all : _byModel.GetValueOrDefault(key.Model);
            if (candidates is null) continue;
            foreach (var request in candidates)
            {
                if (best is not null && ByAge.Compare(request, best) >= 0) break; // nothing older further on
                if (!key.Covers(request.Submit.Provider, request.Submit.Model)) continue;
                best = request;
                break;
            }
        }

        return best;
    }

    /// <summary>
    /// Keeps exactly one timer armed for the earliest queue deadline (upstream sweeps every second, so
    /// its expiry lands anywhere in [T, T+1 s)). Anything already due expires here first, so the timer is
    /// only ever armed for a future instant and never fires re-entrantly inside an operation.
    /// </summary>
    public void ExpireDueAndRearm()
    {
        if (_timeout is not { } timeout) return;
        ExpireDue(timeout);
        var deadline = Earliest?.QueuedAt + timeout;
        if (deadline == _armedDeadline) return;
        _armedDeadline = deadline;
        _timer ??= _time.CreateTimer(
            static state => ((RequestQueue)state!)._deadlineReached(), this,
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var due = deadline is { } at ? at - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The timer fired (run on the single writer). Stale firings are harmless: expiry is by time.</summary>
    public void OnDeadlineReached() => _armedDeadline = null;

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    private void CountUnserved(PendingRequest request, int delta)
    {
        if (delta > 0) _unserved.Add(request);
        else _unserved.Remove(request);
        var provider = request.Submit.Provider;
        _unservedByProvider[provider] = _unservedByProvider.GetValueOrDefault(provider) + delta;
    }

    /// <summary>Boundary inclusive: a request expires when now ≥ original queue time + timeout.</summary>
    private void ExpireDue(TimeSpan timeout)
    {
        var now = _time.GetUtcNow();
        while (Earliest is { } oldest && oldest.QueuedAt + timeout <= now)
        {
            Remove(oldest);
            _expired(oldest);
        }
    }
}
