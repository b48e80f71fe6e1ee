using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RxRelay.Worker.Metrics;

namespace RxRelay.Worker.Tests.Metrics;

/// <summary>
/// A <see cref="WorkerMetrics"/> on its own meter factory, with one collector per instrument. The collectors
/// listen to this factory's meter only, so tests running in parallel never see each other's measurements.
/// </summary>
internal sealed class MetricsHarness : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public MetricsHarness()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new WorkerMetrics(factory);
        Reconnects = new(factory, WorkerMetrics.MeterName, WorkerMetrics.Reconnects);
        SessionDuration = new(factory, WorkerMetrics.MeterName, WorkerMetrics.SessionDuration);
        Backoff = new(factory, WorkerMetrics.MeterName, WorkerMetrics.Backoff);
        Connected = new(factory, WorkerMetrics.MeterName, WorkerMetrics.Connected);
        Requests = new(factory, WorkerMetrics.MeterName, WorkerMetrics.Requests);
        BackendTimeToFirstByte = new(factory, WorkerMetrics.MeterName, WorkerMetrics.BackendTimeToFirstByte);
        InFlight = new(factory, WorkerMetrics.MeterName, WorkerMetrics.InFlight);
    }

    public WorkerMetrics Metrics { get; }

    public MetricCollector<long> Reconnects { get; }

    public MetricCollector<double> SessionDuration { get; }

    public MetricCollector<double> Backoff { get; }

    public MetricCollector<int> Connected { get; }

    public MetricCollector<long> Requests { get; }

    public MetricCollector<double> BackendTimeToFirstByte { get; }

    public MetricCollector<int> InFlight { get; }

    /// <summary>The gauge's value now (observable gauges report when collected).</summary>
    public int ConnectedNow()
    {
        Connected.RecordObservableInstruments();
        return Connected.LastMeasurement!.Value;
    }

    public int InFlightNow()
    {
        InFlight.RecordObservableInstruments();
        return InFlight.LastMeasurement!.Value;
    }

    /// <summary>Each measurement's one tag value, in order.</summary>
    public static string[] TagValues(MetricCollector<long> collector, string tag)
        => [.. collector.GetMeasurementSnapshot().Select(m => (string)m.Tags[tag]!)];

    public void Dispose()
    {
        foreach (var collector in new IDisposable[] { Reconnects, SessionDuration, Backoff, Connected, Requests, BackendTimeToFirstByte, InFlight })
            collector.Dispose();
        _services.Dispose();
    }
}
