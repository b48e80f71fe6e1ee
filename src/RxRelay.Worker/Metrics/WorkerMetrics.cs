using System.Diagnostics.Metrics;
using RxRelay.Reactive;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Metrics;

/// <summary>
/// The worker's own instruments, on the meter <see cref="MeterName"/>. The names are the OpenTelemetry
/// forms of the Prometheus families (README.md#monitoring): dots become underscores, a unit of <c>s</c>
/// adds <c>_seconds</c> and a counter adds <c>_total</c>, so <c>rxrelay.worker.reconnects</c> is scraped
/// as <c>rxrelay_worker_reconnects_total</c>. Every label is bounded: causes and status classes are
/// fixed words, endpoints are the three inference paths or <c>other</c>.
/// </summary>
internal sealed class WorkerMetrics
{
    /// <summary>The meter every worker instrument lives on.</summary>
    public const string MeterName = "RxRelay.Worker";

    public const string Reconnects = "rxrelay.worker.reconnects";
    public const string SessionDuration = "rxrelay.worker.session_duration";
    public const string Backoff = "rxrelay.worker.backoff";
    public const string Connected = "rxrelay.worker.connected";
    public const string Requests = "rxrelay.worker.requests";
    public const string BackendTimeToFirstByte = "rxrelay.worker.backend_time_to_first_byte";
    public const string InFlight = "rxrelay.worker.in_flight";

    /// <summary>Bucket bounds in seconds shared by the time histograms: sub-second steps up to a 300 s generation.</summary>
    internal static readonly IReadOnlyList<double> SecondsBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _sessionDuration;
    private readonly Histogram<double> _backoff;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _backendTimeToFirstByte;

    // Observed at each scrape, so both families are there from the first scrape on, before any session.
    private int _connected;
    private int _inFlight;

    public WorkerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _reconnects = meter.CreateCounter<long>(Reconnects, description: "Reconnects, by why the session before them ended.");
        _sessionDuration = meter.CreateHistogram(SessionDuration, "s", "How long each connected session lasted.", advice: seconds);
        _backoff = meter.CreateHistogram(Backoff, "s", "Delay waited before each reconnect (backoff plus jitter).", advice: seconds);
        meter.CreateObservableGauge(Connected, () => Volatile.Read(ref _connected), description: "1 while a session to the proxy is open, else 0.");
        _requests = meter.CreateCounter<long>(Requests, description: "Requests answered, by endpoint and the status class sent to the proxy.");
        _backendTimeToFirstByte = meter.CreateHistogram(BackendTimeToFirstByte, "s", "Time from sending a request to the backend to its response headers.", advice: seconds);
        meter.CreateObservableGauge(InFlight, () => Volatile.Read(ref _inFlight), description: "Requests whose backend call is in progress.");
    }

    /// <summary>The reconnect loop decided to wait and connect again after <paramref name="decision"/>'s session.</summary>
    public void RecordReconnect(ReconnectDecision decision)
    {
        _reconnects.Add(1, new KeyValuePair<string, object?>("cause", CauseOf(decision.Outcome)));
        _backoff.Record(decision.Delay.TotalSeconds);
    }

    /// <summary>A session that was connected ended after <paramref name="duration"/>.</summary>
    public void RecordSessionEnded(TimeSpan duration) => _sessionDuration.Record(duration.TotalSeconds);

    public void RecordConnected(bool connected) => Volatile.Write(ref _connected, connected ? 1 : 0);

    /// <summary>A request was answered with <paramref name="status"/>; null when no answer could be sent.</summary>
    public void RecordRequest(string endpointPath, int? status)
        => _requests.Add(
            1,
            new KeyValuePair<string, object?>("endpoint", EndpointLabel(endpointPath)),
            new KeyValuePair<string, object?>("status_class", StatusClass(status)));

    public void RecordBackendTimeToFirstByte(TimeSpan elapsed) => _backendTimeToFirstByte.Record(elapsed.TotalSeconds);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestFinished() => Interlocked.Decrement(ref _inFlight);

    /// <summary>The <c>cause</c> label: the session end the reconnect loop saw, with the idle timeout told apart from a close.</summary>
    internal static string CauseOf(SessionOutcome outcome) => outcome switch
    {
        { End: SessionEnd.Graceful } => "graceful",
        { End: SessionEnd.Closed, Error: IdleTimeoutException } => "idle_timeout",
        { End: SessionEnd.Closed } => "closed",
        _ => "error",
    };

    /// <summary>A built-in inference path as is; any other (an extra endpoint, a rejected path) as <c>other</c>.</summary>
    internal static string EndpointLabel(string? path)
    {
        foreach (var builtIn in EndpointAllowlist.BuiltInPaths)
        {
            if (string.Equals(path, builtIn, StringComparison.Ordinal))
                return builtIn;
        }

        return "other";
    }

    internal static string StatusClass(int? status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "error",
    };
}
