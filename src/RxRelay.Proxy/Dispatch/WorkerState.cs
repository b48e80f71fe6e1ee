namespace RxRelay.Proxy.Dispatch;

/// <summary>Mutable state of one connected worker; owned by <see cref="DispatchCore"/>, never shared.</summary>
internal sealed class WorkerState
{
    // Late frames of cancelled requests must be recognised, but a worker that never answers a cancel
    // (upstream workers don't) must not grow this set forever: the oldest entries are forgotten. At least
    // two per slot: a busy worker whose requests are moved off it (an ejection cancels all it holds) sends late
    // frames for each, and one forgotten too soon reads as a frame for an unknown request, a protocol error.
    private const int MinCancelledMemory = 1024;
    private const int MaxCancelledMemory = 1 << 20;
    private readonly int _cancelledMemory;

    private readonly HashSet<string> _cancelled = new(StringComparer.Ordinal);
    private readonly Queue<string> _cancelledOrder = new();

    public WorkerState(long sequence, string provider, string name, uint maxConcurrent, IWorkerFrameSink sink)
    {
        Sequence = sequence;
        Id = "worker-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Provider = provider;
        Name = name;
        MaxConcurrent = Math.Max(1u, maxConcurrent);
        _cancelledMemory = (int)Math.Clamp(2L * MaxConcurrent, MinCancelledMemory, MaxCancelledMemory);
        Sink = sink;
    }

    /// <summary>Registration order; also the round-robin position (never shifts, unlike a list index).</summary>
    public long Sequence { get; }

    public string Id { get; }

    public string Provider { get; }

    public string Name { get; }

    public uint MaxConcurrent { get; }

    /// <summary>Where frames for this worker go.</summary>
    public IWorkerFrameSink Sink { get; }

    public IReadOnlyList<string> Models { get; private set; } = [];

    public bool HasWildcard { get; private set; }

    public uint ReportedLoad { get; set; }

    /// <summary>Requests assigned and not finished, in assignment order (requeue keeps this order).</summary>
    public List<PendingRequest> InFlight { get; } = [];

    public bool IsDraining { get; set; }

    /// <summary>Set when the sink refused a frame; removal follows at the end of the operation.</summary>
    public bool IsLost { get; set; }

    /// <summary>Ejected as an outlier: gets no new work for a while. Set only by <see cref="OutlierDetector"/>.</summary>
    public bool IsEjected { get; set; }

    public uint SelectionLoad => Math.Max(ReportedLoad, (uint)InFlight.Count);

    public bool CanTakeWork => !IsDraining && !IsLost && !IsEjected && SelectionLoad < MaxConcurrent;

    /// <summary>Id of the client API key the worker registered with; null for a shared-secret worker.</summary>
    public string? Tenant { get; init; }

    /// <summary>A shared-secret worker serves every request; a key worker only requests of its own key.</summary>
    public bool Serves(SubmitRequest request) => Tenant is null || string.Equals(Tenant, request.Tenant, StringComparison.Ordinal);

    public void SetModels(IReadOnlyList<string> models)
    {
        Models = models;
        HasWildcard = models.Contains(ModelList.Wildcard, StringComparer.Ordinal);
    }

    public void RememberCancelled(string requestId)
    {
        if (!_cancelled.Add(requestId)) return;
        _cancelledOrder.Enqueue(requestId);
        if (_cancelledOrder.Count > _cancelledMemory) _cancelled.Remove(_cancelledOrder.Dequeue());
    }

    public bool WasCancelled(string requestId) => _cancelled.Contains(requestId);

    /// <summary>A late completion ends a cancelled request for good; nothing more will arrive for it.</summary>
    public bool ForgetCancelled(string requestId) => _cancelled.Remove(requestId);
}
