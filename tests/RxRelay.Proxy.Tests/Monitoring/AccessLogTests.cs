using Microsoft.Extensions.Logging;
using RxRelay.Testing.Logging;

namespace RxRelay.Proxy.Tests.Monitoring;

public sealed class AccessLogTests
{
    [Fact]
    public void Finish_DispatchedAfterQueueing_OneInfoLineWithEveryField()
    {
        using var sut = new MetricsHarness();
        var worker = sut.Register("w", ["m"]);
        var a = sut.Submit("m");
        var b = sut.Submit("m", stream: true);
        sut.Time.Advance(TimeSpan.FromMilliseconds(1500));
        sut.Complete(worker, a);
        sut.Time.Advance(TimeSpan.FromMilliseconds(250));
        sut.Complete(worker, b);
        b.Finish();

        var line = Assert.Single(sut.AccessLog.Lines);
        Assert.Equal(
            new LogLine(LogLevel.Information, 210,
                $"request finished id={b.Observation.Id} endpoint=/v1/chat/completions model=m stream=True status=200 outcome=ok "
                + $"queue_ms=1500 ttfb_ms=1750 duration_ms=1750 bytes_out=0 worker={worker} relay_id={b.Outcome.RequestId}"),
            line);
    }

    [Fact]
    public void Finish_NeverDispatched_TimesThatDidNotHappenAreEmpty()
    {
        using var sut = new MetricsHarness();
        var a = sut.Submit("m");
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        a.Finish();

        var line = Assert.Single(sut.AccessLog.Lines);
        Assert.Equal(
            $"request finished id={a.Observation.Id} endpoint=/v1/chat/completions model=m stream=False status=503 outcome=queue_timeout "
            + $"queue_ms= ttfb_ms= duration_ms=30000 bytes_out=0 worker=- relay_id={a.Outcome.RequestId}",
            line.Message);
    }
}
