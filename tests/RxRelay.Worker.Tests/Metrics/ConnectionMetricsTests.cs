using System.Net.WebSockets;
using RxRelay.Worker.Tests.Connection;
using static RxRelay.Worker.Tests.Connection.ConnectionHarness;

namespace RxRelay.Worker.Tests.Metrics;

/// <summary>The connection families, read where the pipeline decides, in virtual time (jitter 0, initial backoff 1 s).</summary>
public sealed class ConnectionMetricsTests : IDisposable
{
    private const string GracefulJson = """{"type":"graceful_shutdown","reason":"maintenance","drain_timeout_secs":30}""";

    private readonly MetricsHarness _metrics = new();

    [Fact]
    public void Run_ProxyClosesAt5Seconds_OneClosedReconnectAfterA5SecondSessionAnd1SecondBackoff()
    {
        var sut = new ConnectionHarness(metrics: _metrics.Metrics).Start();
        sut.At(5, () => sut.Link(0).CloseFromProxy(WebSocketCloseStatus.NormalClosure, "bye"));

        sut.RunTo(5.5);

        Assert.Equal(["closed"], MetricsHarness.TagValues(_metrics.Reconnects, "cause"));
        Assert.Equal([5.0], _metrics.SessionDuration.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal([1.0], _metrics.Backoff.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(0, _metrics.ConnectedNow());
    }

    [Fact]
    public void Run_SilentProxy_CountsAnIdleTimeoutNotAClose()
    {
        var sut = new ConnectionHarness(metrics: _metrics.Metrics).Start();

        sut.RunTo(95);

        Assert.Equal(["idle_timeout"], MetricsHarness.TagValues(_metrics.Reconnects, "cause"));
        Assert.Equal([90.0], _metrics.SessionDuration.GetMeasurementSnapshot().Select(m => m.Value));
        // Timing unchanged by the metrics: the session still ends at 90 s and the next starts at 91 s.
        Assert.Equal([0, S(91)], sut.Links.Links.Select(l => l.CreatedAt));
    }

    [Fact]
    public void Run_GracefulShutdownThenClose_CountsGracefulWith30SecondDelay()
    {
        var sut = new ConnectionHarness(metrics: _metrics.Metrics).Start();
        sut.At(5, () => sut.Link(0).Receive(GracefulJson));
        sut.At(6, () => sut.Link(0).CloseFromProxy(WebSocketCloseStatus.NormalClosure, "restart"));

        sut.RunTo(7);

        Assert.Equal(["graceful"], MetricsHarness.TagValues(_metrics.Reconnects, "cause"));
        Assert.Equal([6.0], _metrics.SessionDuration.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal([sut.Decisions.Messages.Single().Value.Value.Delay.TotalSeconds], _metrics.Backoff.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public void Run_ThreeFailedConnects_ThreeErrorsWithDoublingBackoffAndNoSession()
    {
        var sut = new ConnectionHarness(connectFailures: 3, metrics: _metrics.Metrics).Start();

        sut.RunTo(7.5);

        Assert.Equal(["error", "error", "error"], MetricsHarness.TagValues(_metrics.Reconnects, "cause"));
        Assert.Equal([1.0, 2.0, 4.0], _metrics.Backoff.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Empty(_metrics.SessionDuration.GetMeasurementSnapshot());
        Assert.Equal(1, _metrics.ConnectedNow());
    }

    [Fact]
    public void Run_ConnectedThenLost_GaugeIsOneWhileConnectedThenZero()
    {
        var sut = new ConnectionHarness(metrics: _metrics.Metrics);
        Assert.Equal(0, _metrics.ConnectedNow());
        sut.Start();

        sut.RunTo(3);
        var whileConnected = _metrics.ConnectedNow();
        sut.At(4, () => sut.Link(0).Lose());
        sut.RunTo(4.5);

        Assert.Equal(1, whileConnected);
        Assert.Equal(0, _metrics.ConnectedNow());
        Assert.Equal(["error"], MetricsHarness.TagValues(_metrics.Reconnects, "cause"));
    }

    public void Dispose() => _metrics.Dispose();
}
