namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Outlier ejection's own state (docs/protocol.md#outlier-ejection): when each streaming request in
/// flight was assigned and to which worker, until it sends its first event, and when it is next examined;
/// per worker the youngest request it answered, its ejection count and end; and one timer for the earliest
/// examination or ejection end. What an ejection does to requests stays in <see cref="DispatchCore"/>,
/// which owns this and calls it only from its single writer.
/// <para>
/// Only streaming requests are timed: a non-streaming request's first event is its whole answer, whose
/// time grows with the output, so a deadline on it would eject healthy workers doing long generations.
/// </para>
/// </summary>
internal sealed class OutlierDetector : IDisposable
{
    private readonly TimeSpan? _timeout;
    private readonly TimeSpan _baseEjection;
    private readonly TimeSpan _maxEjection;
    private readonly TimeProvider _time;
    private readonly Action _deadlineReached;

    // Every streaming request in flight without a first event: when it was assigned, to whom, and when it is
    // next examined (its deadline; again one timeout later while an examination finds no healthy peer).
    private readonly Dictionary<PendingRequest, Awaiting> _awaiting = [];
    private readonly SortedDictionary<(DateTimeOffset CheckAt, long Sequence), PendingRequest> _checks = [];
    private readonly Dictionary<WorkerState, SortedSet<(DateTimeOffset AssignedAt, long Sequence)>> _awaitingByWorker = [];

    // Per worker: the streams it started (Progress), its ejections, and the current one.
    private readonly Dictionary<WorkerState, Progress> _progress = [];
    private readonly Dictionary<WorkerState, int> _ejectionCount = [];
    private readonly SortedDictionary<(DateTimeOffset Until, long Sequence), WorkerState> _ejectedUntil = [];
    private readonly Dictionary<WorkerState, (DateTimeOffset Until, HashSet<string> Moved)> _ejections = [];
    private ITimer? _timer;
    private DateTimeOffset? _armedFor;
    private bool _peersShrank;

    /// <summary>Creates the detector; a null <see cref="DispatchOptions.FirstEventTimeout"/> turns it off.</summary>
    /// <param name="deadlineReached">Called from the timer's thread; it must hand the work to the single writer.</param>
    public OutlierDetector(DispatchOptions options, TimeProvider time, Action deadlineReached)
    {
        _timeout = options.FirstEventTimeout;
        _baseEjection = options.BaseEjectionTime;
        _maxEjection = options.MaxEjectionTime;
        _time = time;
        _deadlineReached = deadlineReached;
    }

    /// <summary>The first-event timeout; null when ejection is off.</summary>
    public TimeSpan? Timeout => _timeout;

    /// <summary>A request was just assigned to its <see cref="PendingRequest.Worker"/>: its first-event clock starts (streaming requests only).</summary>
    public void Track(PendingRequest request)
    {
        if (_timeout is not { } timeout || !request.Submit.IsStreaming || request.Worker is not { } worker) return;
        var now = _time.GetUtcNow();
        _awaiting[request] = new Awaiting(now, now + timeout, worker);
        _checks[(now + timeout, request.Sequence)] = request;
        if (!_awaitingByWorker.TryGetValue(worker, out var byWorker))
            _awaitingByWorker[worker] = byWorker = [];
        byWorker.Add((now, request.Sequence));
    }

    /// <summary>The request got its first event or left its worker; true when it was still awaiting one.</summary>
    public bool Untrack(PendingRequest request) => Untrack(request, out _);

    private bool Untrack(PendingRequest request, out Awaiting awaiting)
    {
        if (!_awaiting.Remove(request, out awaiting)) return false;
        _checks.Remove((awaiting.CheckAt, request.Sequence));
        var byWorker = _awaitingByWorker[awaiting.Worker];
        byWorker.Remove((awaiting.AssignedAt, request.Sequence));
        if (byWorker.Count == 0) _awaitingByWorker.Remove(awaiting.Worker);
        return true;
    }

    /// <summary>
    /// <paramref name="worker"/> answered <paramref name="request"/> (a <c>response_chunk</c> or its
    /// <c>response_complete</c>). When that is a streaming request's first event, its clock stops and it counts as the
    /// worker's progress (<see cref="ShowsNoProgress"/>, <see cref="IsHealthyBeside"/>); anything else changes nothing.
    /// </summary>
    public void Answered(PendingRequest request, WorkerState worker)
    {
        if (!Untrack(request, out var awaiting)) return;
        var newest = _progress.TryGetValue(worker, out var progress) && progress.NewestAssigned > awaiting.AssignedAt
            ? progress.NewestAssigned : awaiting.AssignedAt;
        _progress[worker] = new Progress(newest, _time.GetUtcNow());
    }

    /// <summary>
    /// True when <paramref name="worker"/> gave no streaming request its first event for a whole first-event timeout:
    /// stuck, not merely behind (a worker working through a burst still starts its older streams). Non-streaming
    /// answers and later chunks of started streams do not count: a worker whose backend still finishes those while no
    /// new stream starts holds new requests that a peer could start.
    /// </summary>
    public bool ShowsNoProgress(WorkerState worker) =>
        !_progress.TryGetValue(worker, out var progress) || progress.LastAnswerAt <= _time.GetUtcNow() - _timeout;

    /// <summary>True while the request is in flight without a first event.</summary>
    public bool IsAwaiting(PendingRequest request) => _awaiting.ContainsKey(request);

    /// <summary>
    /// Whether <paramref name="peer"/> shows that a worker whose request assigned at <paramref name="overdueSince"/> got
    /// no first event is an outlier, not one of a fleet that is simply overloaded: the peer is not ejected, draining or
    /// lost, none of its streaming requests waited the whole timeout, and it either awaits no first event at all or has
    /// answered a streaming request assigned at or after <paramref name="overdueSince"/>. When every worker is behind
    /// (a burst larger than the backends keep up with), no peer has answered anything that young, and nobody is
    /// ejected: moving thousands of requests that are waiting their turn would only restart them elsewhere, later.
    /// </summary>
    public bool IsHealthyBeside(WorkerState peer, DateTimeOffset overdueSince)
    {
        if (peer.IsEjected || peer.IsDraining || peer.IsLost) return false;
        if (!_awaitingByWorker.TryGetValue(peer, out var byWorker)) return true;
        if (byWorker.Min.AssignedAt <= _time.GetUtcNow() - _timeout) return false;
        return _progress.TryGetValue(peer, out var progress) && progress.NewestAssigned >= overdueSince;
    }

    /// <summary>
    /// The next request due for examination (its first-event deadline passed, boundary inclusive, or one more timeout
    /// after an examination that moved nothing), with the time it was assigned; each is returned once per due time.
    /// </summary>
    public (PendingRequest Request, DateTimeOffset AssignedAt)? NextOverdue()
    {
        if (_checks.Count == 0) return null;
        var (key, request) = _checks.First();
        if (key.CheckAt > _time.GetUtcNow()) return null;
        _checks.Remove(key); // its entry keeps the passed CheckAt: removing that key again is a no-op
        return (request, _awaiting[request].AssignedAt);
    }

    /// <summary>
    /// An examination moved nothing (the worker still started streams, or no peer was healthy beside it, or it is a
    /// model's last worker): examine the request again one timeout from now, if it still awaits its first event then.
    /// Peers that were busy may have shown since that this worker is behind them.
    /// </summary>
    public void ExamineAgainLater(PendingRequest request)
    {
        if (_timeout is not { } timeout || !_awaiting.TryGetValue(request, out var awaiting)) return;
        var checkAt = _time.GetUtcNow() + timeout;
        _awaiting[request] = awaiting with { CheckAt = checkAt };
        _checks[(checkAt, request.Sequence)] = request;
    }

    /// <summary>
    /// Ejects <paramref name="worker"/> for base × (its ejection count), at most the maximum, remembering
    /// the requests moved off it. Returns the period.
    /// </summary>
    public TimeSpan Eject(WorkerState worker, IEnumerable<string> movedRequestIds)
    {
        var count = _ejectionCount[worker] = _ejectionCount.GetValueOrDefault(worker) + 1;
        var period = _baseEjection * count < _maxEjection ? _baseEjection * count : _maxEjection;
        var until = _time.GetUtcNow() + period;
        worker.IsEjected = true;
        _ejections[worker] = (until, movedRequestIds.ToHashSet(StringComparer.Ordinal));
        _ejectedUntil[(until, worker.Sequence)] = worker;
        return period;
    }

    /// <summary>The next worker whose ejection period is over, ejection ended; null when none is due.</summary>
    public WorkerState? NextEjectionEnded()
    {
        if (_ejectedUntil.Count == 0) return null;
        var (key, worker) = _ejectedUntil.First();
        if (key.Until > _time.GetUtcNow()) return null;
        EndEjection(worker);
        return worker;
    }

    /// <summary>
    /// An ejected worker answered a request that was moved off it: it is alive after all, so its ejection
    /// ends now (its count stays, so a relapse is ejected for longer). True when that ended an ejection.
    /// </summary>
    public bool HealOnAnswer(WorkerState worker, string requestId)
    {
        if (!_ejections.TryGetValue(worker, out var ejection) || !ejection.Moved.Contains(requestId)) return false;
        EndEjection(worker);
        return true;
    }

    /// <summary>The worker is gone: forget its ejection.</summary>
    public void Forget(WorkerState worker)
    {
        if (worker.IsEjected) EndEjection(worker);
        _ejectionCount.Remove(worker);
        _progress.Remove(worker);
    }

    /// <summary>
    /// A worker left, started draining or dropped models: an ejected worker may now be the only one left
    /// for a model. Noted only while some worker is ejected; <see cref="TakePeersShrank"/> reads it.
    /// </summary>
    public void NotePeersShrank() => _peersShrank |= _ejections.Count > 0;

    /// <summary>True once after <see cref="NotePeersShrank"/> (while some worker is still ejected).</summary>
    public bool TakePeersShrank()
    {
        var shrank = _peersShrank && _ejections.Count > 0;
        _peersShrank = false;
        return shrank;
    }

    /// <summary>The ejected workers, in registration order.</summary>
    public IReadOnlyList<WorkerState> Ejected() => _ejections.Keys.OrderBy(w => w.Sequence).ToList();

    /// <summary>
    /// Ends an ejection early because the worker is needed (no other worker left for one of its models);
    /// its count stays, so a relapse is ejected for longer.
    /// </summary>
    public void Reinstate(WorkerState worker)
    {
        if (worker.IsEjected) EndEjection(worker);
    }

    /// <summary>Keeps one timer armed for the earliest first-event deadline or ejection end.</summary>
    public void Rearm()
    {
        if (_timeout is null) return;
        DateTimeOffset? due = _checks.Count > 0 ? _checks.First().Key.CheckAt : null;
        if (_ejectedUntil.Count > 0 && (due is null || _ejectedUntil.First().Key.Until < due)) due = _ejectedUntil.First().Key.Until;
        if (due == _armedFor) return;
        _armedFor = due;
        _timer ??= _time.CreateTimer(
            static state => ((OutlierDetector)state!)._deadlineReached(), this,
            System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        var dueIn = due is { } at ? Max(at - _time.GetUtcNow(), TimeSpan.Zero) : System.Threading.Timeout.InfiniteTimeSpan;
        _timer.Change(dueIn, System.Threading.Timeout.InfiniteTimeSpan);
    }

    /// <summary>The timer fired (run on the single writer); the next <see cref="Rearm"/> arms it again.</summary>
    public void OnDeadlineReached() => _armedFor = null;

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    private void EndEjection(WorkerState worker)
    {
        var (until, _) = _ejections[worker];
        _ejections.Remove(worker);
        _ejectedUntil.Remove((until, worker.Sequence));
        worker.IsEjected = false;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private readonly record struct Awaiting(DateTimeOffset AssignedAt, DateTimeOffset CheckAt, WorkerState Worker);

    /// <summary>The assignment time of the youngest streaming request a worker started, and when it last started one.</summary>
    private readonly record struct Progress(DateTimeOffset NewestAssigned, DateTimeOffset LastAnswerAt);
}
