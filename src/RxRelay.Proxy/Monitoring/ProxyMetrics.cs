using System.Diagnostics;
using System.Diagnostics.Metrics;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Monitoring;

/// <summary>
/// The proxy's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (Prometheus names in
/// brackets; the exporter adds <c>_total</c> to counters and <c>_seconds</c> for the unit <c>s</c>). Labels are
/// bounded: endpoint is one of three paths, a model no worker registers is <c>other</c>, every other label
/// is an enum. Recording is a <see cref="TagList"/> on the stack and does nothing while no listener is
/// attached (<c>--metrics off</c>). The gauges read <see cref="Dispatcher.GetGauges"/> at scrape time only.
/// </summary>
internal sealed class ProxyMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c> and tests.</summary>
    public const string MeterName = "RxRelay.Proxy";

    /// <summary>Histogram buckets in seconds: fine below a second (queue waits, first bytes), then up to the 300 s request timeout.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private static readonly InstrumentAdvice<double> SecondsAdvice = new() { HistogramBucketBoundaries = SecondsBuckets };

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstByte;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _requeues;
    private readonly Counter<long> _workerSessions;
    private readonly Counter<long> _peerForwards;
    private readonly RegisteredModels _models;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/>; the gauges observe <paramref name="dispatcher"/>.</summary>
    public ProxyMetrics(IMeterFactory meters, Dispatcher dispatcher)
    {
        var meter = meters.Create(MeterName);
        _models = dispatcher.RegisteredModels;
        _requests = meter.CreateCounter<long>("rxrelay.requests", description: "Finished inference requests by outcome");
        _duration = meter.CreateHistogram("rxrelay.request.duration", "s", "Inference request duration, arrival to last byte", advice: SecondsAdvice);
        _timeToFirstByte = meter.CreateHistogram(
            "rxrelay.time_to_first_byte", "s", "Arrival to the first byte of the worker's answer (first chunk, or the whole non-streaming answer)", advice: SecondsAdvice);
        _queueWait = meter.CreateHistogram("rxrelay.queue.wait", "s", "Arrival to first dispatch to a worker (0 when a worker had room)", advice: SecondsAdvice);
        _requeues = meter.CreateCounter<long>("rxrelay.requeues", description: "Requests taken off a worker and queued or offered again");
        _workerSessions = meter.CreateCounter<long>("rxrelay.worker.sessions", description: "Worker registrations and session ends by cause");
        _peerForwards = meter.CreateCounter<long>("rxrelay.peer.forwards", description: "Queued requests forwarded to a peer replica, by how the forward ended (cluster mode)");
        meter.CreateObservableGauge("rxrelay.queue.depth", () => PerModel(dispatcher.GetGauges().QueueDepth), description: "Queued requests");
        meter.CreateObservableGauge("rxrelay.requests.in_flight", () => PerModel(dispatcher.GetGauges().InFlight), description: "Requests assigned to a worker");
        meter.CreateObservableGauge("rxrelay.workers", () => Workers(dispatcher.GetGauges()), description: "Registered workers by state");
        meter.CreateObservableGauge("rxrelay.worker.slots", () => Slots(dispatcher.GetGauges()), description: "Worker slots per advertised model: capacity and busy");
    }

    /// <summary>The bounded label for <paramref name="model"/>: itself while a worker registers it, else <c>other</c>.</summary>
    public string ModelLabel(string? model) =>
        model is not null && _models.Contains(model) ? model : DispatchGauges.OtherModel;

    /// <summary>Records one finished inference request; times that did not happen are null and not recorded.</summary>
    public void RecordRequest(
        string endpoint, string? model, bool stream, RequestOutcome outcome, TimeSpan duration, TimeSpan? timeToFirstByte, TimeSpan? queueWait)
    {
        if (!_requests.Enabled && !_duration.Enabled && !_timeToFirstByte.Enabled && !_queueWait.Enabled)
        {
            return; // nobody listens (--metrics off): not even the label lookup
        }

        var modelLabel = ModelLabel(model);
        var streamLabel = stream ? "true" : "false";
        var tags = new TagList { { "endpoint", endpoint }, { "model", modelLabel }, { "stream", streamLabel } };
        _duration.Record(duration.TotalSeconds, tags);
        if (timeToFirstByte is { } ttfb)
        {
            _timeToFirstByte.Record(ttfb.TotalSeconds, tags);
        }

        if (queueWait is { } wait)
        {
            _queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("model", modelLabel));
        }

        tags.Add("outcome", outcome.Label());
        _requests.Add(1, tags);
    }

    /// <summary>
    /// Counts one forward to a peer by how it ended: <c>served</c>, <c>no_capacity</c>, <c>worker_lost</c>,
    /// <c>unreachable</c>, <c>refused</c>, <c>aborted</c>, <c>abandoned</c> or <c>broken</c> (docs/cluster.md#forwarding).
    /// </summary>
    public void Forwarded(string outcome) => _peerForwards.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One request went back to the queue.</summary>
    public void Requeued(RequeueReason reason) =>
        _requeues.Add(1, new KeyValuePair<string, object?>("reason", reason switch
        {
            RequeueReason.WorkerLost => "worker_lost",
            RequeueReason.WorkerEjected => "worker_ejected",
            _ => "peer_lost",
        }));

    /// <summary>A worker registered, or its session ended for <paramref name="sessionEvent"/>.</summary>
    public void WorkerSession(WorkerSessionEvent sessionEvent) =>
        _workerSessions.Add(1, new KeyValuePair<string, object?>("event", sessionEvent.Label()));

    private static IEnumerable<Measurement<int>> PerModel(IReadOnlyDictionary<string, int> counts) =>
        counts.Select(pair => new Measurement<int>(pair.Value, new KeyValuePair<string, object?>("model", pair.Key)));

    private static IEnumerable<Measurement<int>> Workers(DispatchGauges gauges) =>
        gauges.Workers.Select(pair => new Measurement<int>(pair.Value, new KeyValuePair<string, object?>("state", pair.Key)));

    private static IEnumerable<Measurement<long>> Slots(DispatchGauges gauges) =>
        gauges.Capacity.Select(pair => Slot(pair.Key, "capacity", pair.Value))
            .Concat(gauges.Busy.Select(pair => Slot(pair.Key, "busy", pair.Value)));

    private static Measurement<long> Slot(string model, string kind, long value) =>
        new(value, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("kind", kind));
}
