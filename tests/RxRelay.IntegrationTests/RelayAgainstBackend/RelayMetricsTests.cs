using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Metrics;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// The request families against a real backend hop, timed on a <see cref="FakeTimeProvider"/>: the
/// backend holds each request until the test has moved the clock, so the time to first byte is exact.
/// </summary>
public sealed class RelayMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly WorkerMetrics _metrics;
    private readonly MetricCollector<long> _requests;
    private readonly MetricCollector<double> _timeToFirstByte;
    private readonly MetricCollector<int> _inFlight;

    public RelayMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new WorkerMetrics(factory);
        _requests = new(factory, WorkerMetrics.MeterName, WorkerMetrics.Requests);
        _timeToFirstByte = new(factory, WorkerMetrics.MeterName, WorkerMetrics.BackendTimeToFirstByte);
        _inFlight = new(factory, WorkerMetrics.MeterName, WorkerMetrics.InFlight);
    }

    [Fact]
    public async Task Start_ServedRejectedAndCancelled_CountsEachByEndpointAndStatusClass()
    {
        var clock = new FakeTimeProvider();
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url, timeProvider: clock, metrics: _metrics);

        sut.Session.Start(RelaySut.Request("request-1", "/v1/messages"));
        sut.Session.Start(RelaySut.Request("request-2", "/v1/embeddings"));
        await sut.Outbound.WaitForCompletionAsync("request-2");
        sut.Session.Start(RelaySut.Request("request-3"));
        await backend.Arrived.WaitForAsync(2);
        sut.Session.Cancel(new CancelRequest("request-3", CancelReason.ClientDisconnect));
        await sut.Outbound.WaitForCompletionAsync("request-3");
        clock.Advance(TimeSpan.FromSeconds(2.5));
        backend.Release();
        await sut.Outbound.WaitForCompletionAsync("request-1");
        // Counted once the completion has gone out, just after the outbound took it.
        await _requests.WaitForMeasurementsAsync(3, RecordingOutbound.WaitLimit);

        Assert.Equal(
            [("other", "4xx"), ("/v1/chat/completions", "4xx"), ("/v1/messages", "2xx")],
            _requests.GetMeasurementSnapshot().Select(m => ((string)m.Tags["endpoint"]!, (string)m.Tags["status_class"]!)));
        Assert.All(_requests.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
        // Only the request whose backend answered has a time to first byte: the cancelled one never got headers.
        Assert.Equal([2.5], _timeToFirstByte.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task Start_HeldRequest_InFlightOneUntilItEnds()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url, metrics: _metrics);

        sut.Session.Start(RelaySut.Request("request-1"));
        await backend.Arrived.WaitForAsync(1);
        var whileHeld = InFlightNow();
        backend.Release();
        await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(1, whileHeld);
        Assert.Equal(0, InFlightNow());
    }

    public void Dispose()
    {
        _requests.Dispose();
        _timeToFirstByte.Dispose();
        _inFlight.Dispose();
        _services.Dispose();
    }

    private int InFlightNow()
    {
        _inFlight.RecordObservableInstruments();
        return _inFlight.LastMeasurement!.Value;
    }
}
