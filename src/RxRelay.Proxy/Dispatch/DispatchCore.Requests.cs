using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    /// <summary>
    /// Submits a client request (docs/protocol.md#queue): dispatched at once if a compatible worker has room,
    /// else queued, else — when the provider queue is full — rejected with
    /// <see cref="DispatchFailureKind.QueueFull"/> or <see cref="DispatchFailureKind.NoWorkersAvailable"/>.
    /// The id counter advances even for rejections.
    /// </summary>
    public SubmitOutcome Submit(SubmitRequest submit)
    {
        var request = new PendingRequest(
            ++_requestCounter, submit, _time.GetUtcNow(),
            new RequestStream(_options.StreamBufferChunks, _options.StreamBufferChars));
        if (!TryAssign(request))
        {
            var served = _selector.AnyWorkerAdvertises(submit) || ServedByPeers?.Invoke(submit.Provider, submit.Model) == true;
            if (!HasQueueRoom(submit.Provider, served))
            {
                var kind = served ? DispatchFailureKind.QueueFull : DispatchFailureKind.NoWorkersAvailable;
                Settle();
                return new SubmitOutcome(request.Id, null, DispatchFailure.Of(kind));
            }

            _queue.Add(request, unserved: !served);
        }

        _requests.Add(request.Id, request);
        Settle();
        return new SubmitOutcome(request.Id, new RequestHandle(request.Id, request.Stream.Reader), null);
    }

    /// <summary>
    /// Runs a request at once or refuses it: assigned to a compatible local worker with a free slot now
    /// (the same selection as <see cref="Submit"/>), else rejected with <see cref="DispatchFailureKind.NoCapacity"/>.
    /// Never queued and never requeued (<see cref="PendingRequest.RunsNow"/>): a peer replica runs a forwarded
    /// request this way, and the replica that forwarded it keeps the queue. The id counter advances even for refusals.
    /// </summary>
    public SubmitOutcome TrySubmitNow(SubmitRequest submit)
    {
        var request = new PendingRequest(
            ++_requestCounter, submit, _time.GetUtcNow(),
            new RequestStream(_options.StreamBufferChunks, _options.StreamBufferChars))
        {
            RunsNow = true,
        };
        if (!TryAssign(request))
        {
            Settle();
            return new SubmitOutcome(request.Id, null, DispatchFailure.Of(DispatchFailureKind.NoCapacity));
        }

        _requests.Add(request.Id, request);
        Settle();
        return new SubmitOutcome(request.Id, new RequestHandle(request.Id, request.Stream.Reader), null);
    }

    /// <summary>
    /// docs/protocol.md#queue: requests for served models count only each other against
    /// <c>max_queue_len</c>; a request for a model nobody serves takes free room only, and only up to the
    /// unserved share (<see cref="DispatchOptions.UnservedQueuePercent"/>), so a flood of them never
    /// starves served models.
    /// </summary>
    private bool HasQueueRoom(string provider, bool served)
    {
        if (_options.MaxQueueLength is not { } max) return true;
        var depth = _queue.DepthOf(provider);
        var unserved = _queue.UnservedDepthOf(provider);
        return served
            ? depth - unserved < max
            : depth < max && unserved < _options.UnservedQueueLength(max);
    }

    /// <summary>
    /// The client went away. Queued → removed, nothing sent. Forwarded to a peer → the peer call is aborted (the peer
    /// cancels it on its worker). In flight → exactly one <c>cancel</c> to its
    /// worker and the slot is freed at once (upstream keeps it until a <c>response_complete</c> its own
    /// workers never send); later frames for it from that worker are dropped. Either way the request's
    /// stream ends with <see cref="DispatchFailureKind.Canceled"/>. False when the id is not live.
    /// </summary>
    public bool Cancel(string requestId, CancelReason reason)
    {
        if (!_requests.TryGetValue(requestId, out var request)) return false;
        if (request.IsQueued)
        {
            _queue.Remove(request);
            Finish(request, new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.Canceled)));
        }
        else if (request.Peer is not null)
        {
            EndForward(request, new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.Canceled))); // the peer call's abort cancels on its worker
        }
        else
        {
            AbortInFlight(request, reason, DispatchFailureKind.Canceled);
        }

        Settle();
        return true;
    }

    /// <summary>
    /// <c>response_chunk</c>. Forwarded when the request is in flight on this worker (dropped for
    /// non-streaming requests, whose handler only waits for the completion); dropped when this worker's
    /// request was cancelled; any other id is a violation (worker closed 1002, requests requeued). A chunk
    /// the bounded buffer can't take fails the request with <see cref="DispatchFailureKind.ClientTooSlow"/>
    /// and cancels it on the worker.
    /// </summary>
    public FrameVerdict OnChunk(string workerId, string requestId, string text)
    {
        if (FindWorker(workerId) is not { } worker) return FrameVerdict.ProtocolViolation;
        var verdict = ApplyChunk(worker, requestId, text);
        Settle();
        return verdict;
    }

    /// <summary>
    /// <c>response_complete</c>. In flight on this worker → delivered, slot freed, queue pulled. Unknown,
    /// finished or cancelled id → dropped silently. In flight on a <i>different</i> worker → violation and
    /// not delivered (upstream delivers it, docs/differences-from-upstream.md#proxy-foreign-complete).
    /// </summary>
    public FrameVerdict OnComplete(string workerId, ResponseComplete response)
    {
        if (FindWorker(workerId) is not { } worker) return FrameVerdict.ProtocolViolation;
        var verdict = ApplyComplete(worker, response);
        Settle();
        return verdict;
    }

    private FrameVerdict ApplyChunk(WorkerState worker, string requestId, string text)
    {
        if (FindAttempt(requestId) is { } request && request.Worker == worker)
        {
            _outliers.Answered(request, worker); // its first event, if it was still awaiting one
            if (!request.Submit.IsStreaming) return FrameVerdict.Dropped;
            if (request.Stream.TryWriteChunk(text)) return FrameVerdict.Accepted;
            AbortInFlight(request, CancelReason.ClientDisconnect, DispatchFailureKind.ClientTooSlow);
            return FrameVerdict.Dropped;
        }

        if (worker.WasCancelled(requestId))
        {
            HealOnAnswer(worker, requestId);
            return FrameVerdict.Dropped;
        }

        RemoveWorker(worker, WorkerCloseReasons.ProtocolErrorCode, WorkerCloseReasons.ProtocolError);
        return FrameVerdict.ProtocolViolation;
    }

    private FrameVerdict ApplyComplete(WorkerState worker, ResponseComplete response)
    {
        if (FindAttempt(response.RequestId) is not { Worker: not null } request
            || (request.Worker != worker && worker.WasCancelled(response.RequestId))) // moved off it by an ejection
        {
            worker.ForgetCancelled(response.RequestId);
            HealOnAnswer(worker, response.RequestId);
            return FrameVerdict.Dropped;
        }

        if (request.Worker != worker)
        {
            RemoveWorker(worker, WorkerCloseReasons.ProtocolErrorCode, WorkerCloseReasons.ProtocolError);
            return FrameVerdict.ProtocolViolation;
        }

        _outliers.Answered(request, worker);
        Detach(request);
        Finish(request, new RequestEvent.Completed(response));
        ReleaseSlot(worker);
        return FrameVerdict.Accepted;
    }

    /// <summary>Cancels an in-flight request on its worker, fails it, frees the slot.</summary>
    private void AbortInFlight(PendingRequest request, CancelReason reason, DispatchFailureKind kind)
    {
        var worker = request.Worker!;
        Detach(request);
        worker.RememberCancelled(request.WireId);
        Send(worker, new CancelRequest(request.WireId, reason)); // before any new request it may pull
        Finish(request, new RequestEvent.Failed(DispatchFailure.Of(kind)));
        ReleaseSlot(worker);
    }

    /// <summary>Takes the request off its worker: in-flight list and reported load (not below 0).</summary>
    private void Detach(PendingRequest request)
    {
        var worker = request.Worker!;
        _outliers.Untrack(request);
        worker.InFlight.Remove(request);
        if (worker.ReportedLoad > 0) worker.ReportedLoad--;
        request.Worker = null;
    }

    /// <summary>A freed slot either ends a drained worker or pulls queued work at once.</summary>
    private void ReleaseSlot(WorkerState worker)
    {
        if (worker.IsDraining && worker.InFlight.Count == 0)
            RemoveWorker(worker, WorkerCloseReasons.NormalCode, WorkerCloseReasons.GracefulShutdownComplete);
        else
            PullFor(worker);
    }

    /// <summary>Assigns <paramref name="request"/> to the best worker with room; false when nobody has room.</summary>
    private bool TryAssign(PendingRequest request)
    {
        if (_selector.Select(request) is not { } worker) return false;
        Assign(request, worker);
        return true;
    }

    /// <summary>
    /// Reserves a slot (in-flight list, reported load + 1) and sends the <c>request</c> frame. A worker that still
    /// owes frames of a cancelled earlier attempt of this request (moved off it by an ejection) gets it under a
    /// fresh wire id, so those late frames stay recognisable as the old attempt's and are dropped.
    /// </summary>
    private void Assign(PendingRequest request, WorkerState worker)
    {
        if (worker.WasCancelled(request.WireId)) RetryUnderFreshWireId(request);
        request.Worker = worker;
        worker.InFlight.Add(request);
        worker.ReportedLoad++;
        _outliers.Track(request);
        var submit = request.Submit;
        submit.Observer?.Dispatched(worker.Id);
        Send(worker, new WorkerRequest(
            request.WireId, submit.Model, submit.EndpointPath, submit.IsStreaming, submit.Body, submit.Headers));
    }

    /// <summary>The worker takes the oldest compatible queued requests (any provider) while it has room.</summary>
    private void PullFor(WorkerState worker)
    {
        while (worker.CanTakeWork && _queue.EarliestFor(worker) is { } request)
        {
            _queue.Remove(request);
            Assign(request, worker);
        }
    }

    private void Requeue(PendingRequest request, RequeueReason reason)
    {
        request.RequeueCount++;
        request.Submit.Observer?.Requeued(reason);
        if (!TryAssign(request)) _queue.Add(request);
    }

    private void Fail(PendingRequest request, DispatchFailureKind kind) =>
        Finish(request, new RequestEvent.Failed(DispatchFailure.Of(kind)));

    private void RetryUnderFreshWireId(PendingRequest request)
    {
        if (request.RetryWireId is { } previous) _retriesByWireId.Remove(previous);
        request.RetryWireId = WireIds.Of(++_requestCounter);
        _retriesByWireId.Add(request.RetryWireId, request);
        DispatchLog.RetriedUnderFreshId(_logger, request.Id, request.RetryWireId);
    }

    /// <summary>The live request whose current attempt has <paramref name="wireId"/> on the wire; null for none.</summary>
    private PendingRequest? FindAttempt(string wireId) =>
        _requests.TryGetValue(wireId, out var request) && request.RetryWireId is null ? request
        : _retriesByWireId.GetValueOrDefault(wireId);

    private void Finish(PendingRequest request, RequestEvent terminal)
    {
        _requests.Remove(request.Id);
        if (request.RetryWireId is { } retry) _retriesByWireId.Remove(retry);
        request.Stream.Finish(terminal);
    }
}
