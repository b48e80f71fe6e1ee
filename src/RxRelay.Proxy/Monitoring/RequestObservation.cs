using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Monitoring;

/// <summary>
/// Everything noted about one inference request on its way through the proxy, and the one place that
/// turns it into the request's metrics and its access-log line (<see cref="Finish"/>, once). Created by
/// <see cref="RequestObservationMiddleware"/> before anything answers the request; the route adds what
/// it learns (<see cref="Describe"/>, <see cref="End"/>, …) and the dispatch core adds dispatches and
/// requeues through <see cref="IDispatchObserver"/>, under its lock. Those core calls happen before the
/// route reads the event that follows them (the request's channel orders them), so plain fields suffice.
/// <para>
/// Also the logging scope of the request (one pair, <c>XRequestId</c>), so the proxy's log lines for it
/// carry the id without another allocation.
/// </para>
/// </summary>
internal sealed class RequestObservation : IDispatchObserver, IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private long? _dispatchedAt;
    private long? _firstByteAt;
    private RequestOutcome? _outcome;
    private bool _finished;

    public RequestObservation(ProxyMetrics metrics, TimeProvider time, string id, string endpoint)
    {
        (_metrics, _time, Id, Endpoint) = (metrics, time, id, endpoint);
        _startedAt = time.GetTimestamp();
    }

    /// <summary>The <c>x-request-id</c>: the client's when sane, else one the proxy made.</summary>
    public string Id { get; }

    /// <summary>The route path, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The body's <c>model</c>; null until the body was parsed.</summary>
    public string? Model { get; private set; }

    /// <summary>The body's <c>stream</c> flag; false until the body was parsed.</summary>
    public bool Stream { get; private set; }

    /// <summary>The dispatcher's id (<c>request-N</c>, the <c>request_id</c> of the worker frames); null until submitted.</summary>
    public string? RelayId { get; private set; }

    /// <summary>The worker it was last dispatched to; null while never dispatched.</summary>
    public string? WorkerId { get; private set; }

    /// <summary>Body bytes written to the client so far (streams count as they go).</summary>
    public long BytesOut { get; private set; }

    /// <summary>The observation <see cref="RequestObservationMiddleware"/> attached to <paramref name="context"/>, if any.</summary>
    public static RequestObservation? Of(HttpContext context) => context.Features.Get<RequestObservation>();

    /// <summary>The two body fields the proxy reads.</summary>
    public void Describe(string model, bool stream) => (Model, Stream) = (model, stream);

    /// <summary>The dispatcher accepted or refused it under <paramref name="relayId"/>.</summary>
    public void Submitted(string relayId) => RelayId = relayId;

    /// <inheritdoc />
    public void Dispatched(string workerId)
    {
        _dispatchedAt ??= _time.GetTimestamp(); // queue wait is to the first dispatch; a requeue does not restart it
        WorkerId = workerId;
    }

    /// <inheritdoc />
    public void Requeued(RequeueReason reason) => _metrics.Requeued(reason);

    /// <summary>The worker's answer starts reaching the client now (first chunk, or the whole answer).</summary>
    public void FirstByte() => _firstByteAt ??= _time.GetTimestamp();

    /// <summary>Counts body bytes written to the client.</summary>
    public void Wrote(long bytes) => BytesOut += bytes;

    /// <summary>Notes how the request ended; the first call wins (a later, more generic path cannot overwrite it).</summary>
    public void End(RequestOutcome outcome) => _outcome ??= outcome;

    /// <summary>
    /// Records the metrics and writes the access-log line, once: the outcome noted by <see cref="End"/>, or
    /// else the one the response status implies (answers written outside the route, such as the key guard's 429).
    /// </summary>
    public void Finish(HttpContext context, ILogger accessLog)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        var end = _time.GetTimestamp();
        var status = context.Response.StatusCode;
        var outcome = _outcome ?? (context.RequestAborted.IsCancellationRequested ? RequestOutcome.ClientDisconnect : RequestOutcomes.OfStatus(status));
        var duration = _time.GetElapsedTime(_startedAt, end);
        TimeSpan? queueWait = _dispatchedAt is { } dispatched ? _time.GetElapsedTime(_startedAt, dispatched) : null;
        TimeSpan? firstByte = _firstByteAt is { } first ? _time.GetElapsedTime(_startedAt, first) : null;
        var bytesOut = BytesOut > 0 ? BytesOut : context.Response.ContentLength ?? 0;
        _metrics.RecordRequest(Endpoint, Model, Stream, outcome, duration, firstByte, queueWait);
        AccessLog.Finished(accessLog, this, status, outcome, queueWait, firstByte, duration, bytesOut);
    }

    /// <inheritdoc />
    public int Count => 1;

    /// <inheritdoc />
    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new(RequestIdNames.LogProperty, Id) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>How the scope prints in text formats that show scopes.</summary>
    public override string ToString() => "x-request-id=" + Id;
}
