using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Metrics;

namespace RxRelay.Worker.Relay;

/// <summary>
/// The requests of one WebSocket session, each relayed to the backend on its own task. Every request
/// ends in exactly one <c>response_complete</c> (unless the session is disposed first): the request's
/// task is the only writer of its frames, and an abort only records a reason for that task to answer.
/// </summary>
internal sealed partial class BackendRelaySession : IRelaySession
{
    private readonly object _gate = new();
    private readonly Dictionary<string, RelayedRequest> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Task> _work = [];
    private readonly BehaviorSubject<int> _inFlightCounts = new(0);
    private readonly CancellationTokenSource _sessionCancellation = new();
    private readonly IWorkerOutbound _outbound;
    private readonly RequestRelay _relay;
    private readonly EndpointAllowlist _allowlist;
    private readonly ModelCatalog _catalog;
    private readonly uint _maxConcurrency;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly WorkerMetrics? _metrics;
    private long _nextWorkId;
    private int _cancelledCount;
    private volatile bool _draining;
    private volatile int _inFlightCount;
    private bool _disposed;

    public BackendRelaySession(IWorkerOutbound outbound, RelaySessionContext context)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(context);
        _outbound = outbound;
        _relay = new RequestRelay(context.Backend, outbound, context.Logger, context.TimeProvider, context.Metrics);
        _allowlist = context.Allowlist;
        _catalog = context.Catalog;
        _maxConcurrency = context.MaxConcurrency;
        _timeProvider = context.TimeProvider;
        _logger = context.Logger;
        _metrics = context.Metrics;
    }

    public int InFlight => _inFlightCount;

    public IObservable<int> InFlightChanges => _inFlightCounts.AsObservable();

    public void Start(WorkerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Everything this request logs, here and in its task (the scope flows with it), carries the proxy's x-request-id.
        using var scope = RequestLogScope.Begin(_logger, request);
        Task<Task>? work = null;
        var admitted = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var rejection = Admit(request);
            if (rejection is not null)
            {
                work = Track(() => SendCompletionAsync(rejection, request.EndpointPath));
            }
            else if (_inFlight.ContainsKey(request.RequestId))
            {
                // Any answer would complete the request already running under this id at the proxy.
                _logger.DuplicateRequest(request.RequestId);
                return;
            }
            else
            {
                admitted = true;
                var relayed = new RelayedRequest(request, _sessionCancellation.Token);
                _inFlight.Add(relayed.Id, relayed);
                _metrics?.RequestStarted();
                PublishInFlight();
                work = Track(() => RunAsync(relayed));
            }
        }

        // Logged outside the lock: at Debug the line carries the body and may write to the console.
        if (admitted)
        {
            _logger.RequestStarted(request.RequestId, request.EndpointPath, request.IsStreaming, request.Body);
        }

        // On the caller's thread, outside the lock, up to the backend call's first await: the request
        // is on its way to the backend before this returns, with no hand-off to the thread pool.
        work.RunSynchronously(TaskScheduler.Default);
    }

    public void Cancel(CancelRequest cancel)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        lock (_gate)
        {
            if (_inFlight.TryGetValue(cancel.RequestId, out var relayed) && TryCancel(relayed))
            {
                _logger.Cancelled(cancel.RequestId, cancel.Reason.Value);
                return;
            }
        }

        // Already completed (the proxy's cancel crossed our completion) or unknown: nothing to answer.
        _logger.CancelIgnored(cancel.RequestId);
    }

    /// <summary>The rejection for a request that must not be fetched, or null to admit it. Under the lock.</summary>
    private ResponseComplete? Admit(WorkerRequest request)
    {
        if (!_allowlist.IsAllowed(request.EndpointPath))
        {
            _logger.PathRejected(request.RequestId, request.EndpointPath);
            return RelayErrors.PathNotAllowed(request.RequestId, request.EndpointPath);
        }

        if (_draining)
        {
            _logger.RejectedWhileDraining(request.RequestId);
            return RelayErrors.Draining(request.RequestId);
        }

        if (ActiveCount >= _maxConcurrency)
        {
            // The proxy should never send this many; a misbehaving one must not overload the backend
            // (docs/differences-from-upstream.md#worker-max-concurrency).
            _logger.Overloaded(request.RequestId, ActiveCount, _maxConcurrency);
            return RelayErrors.Overloaded(request.RequestId, _maxConcurrency);
        }

        return null;
    }

    /// <summary>
    /// Remembers <paramref name="work"/> until done, so disposal can await it, and returns it unstarted:
    /// the caller starts it once outside the lock (a request's work can finish synchronously, and its
    /// end takes the lock). Under the lock.
    /// </summary>
    private Task<Task> Track(Func<Task> work)
    {
        var id = ++_nextWorkId;
        var start = new Task<Task>(work);
        var task = start.Unwrap();
        _work.Add(id, task);
        _ = task.ContinueWith(
            (_, state) => ((BackendRelaySession)state!).Untrack(id),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return start;
    }

    private void Untrack(long id)
    {
        lock (_gate)
        {
            _work.Remove(id);
        }
    }

    /// <summary>
    /// Requests that hold a slot: in flight and not cancelled by the proxy. A proxy frees a cancelled
    /// request's slot the moment it sends <c>cancel</c> (upstream workers never complete cancelled
    /// requests) and may dispatch the next request at once, while our 499 completion is still on its
    /// way; so a cancelled request stops counting against the cap, the load and the busy signal at
    /// once, though its backend call may take a moment longer to tear down. Under the lock.
    /// </summary>
    private int ActiveCount => _inFlight.Count - _cancelledCount;

    /// <summary>Aborts a request for the proxy's <c>cancel</c> and frees its slot. Under the lock.</summary>
    private bool TryCancel(RelayedRequest relayed)
    {
        // Counted before the abort: cancelling can finish the request inline on this thread (Finish
        // re-enters the lock and uncounts it), and the count must never go below zero meanwhile.
        _cancelledCount++;
        if (!relayed.TryAbort(AbortReason.Cancelled))
        {
            _cancelledCount--;
            return false;
        }

        PublishInFlight();
        return true;
    }

    /// <summary>Publishes the count; under the lock so subscribers see counts in order, never concurrently.</summary>
    private void PublishInFlight()
    {
        _inFlightCount = ActiveCount;
        _inFlightCounts.OnNext(_inFlightCount);
    }
}
