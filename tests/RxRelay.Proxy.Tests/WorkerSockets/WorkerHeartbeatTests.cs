using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

public sealed class WorkerHeartbeatTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<string> events = [];
    private WorkerHeartbeat? sut;

    private WorkerHeartbeat CreateSut()
    {
        // The real outbox reports every written frame, the ping included; mimic that.
        sut = new WorkerHeartbeat(time, Interval, Timeout, () => { events.Add($"ping@{Now}"); sut!.OnSent(); }, () => events.Add($"timeout@{Now}"));
        return sut;
    }

    private double Now => (time.GetUtcNow() - new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;

    public void Dispose() => sut?.Dispose();

    [Fact]
    public void Heartbeat_OutboundSilenceWhileWorkerKeepsSending_PingsAfterInterval()
    {
        var heartbeat = CreateSut();
        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            heartbeat.OnReceived(); // a streaming worker: inbound traffic only
        }

        Assert.Equal(["ping@30"], events);
    }

    [Fact]
    public void Heartbeat_InboundSilenceWhileProxySends_PingsAfterInterval()
    {
        var heartbeat = CreateSut();
        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            heartbeat.OnSent();
        }

        Assert.Equal(["ping@30"], events);
    }

    [Fact]
    public void Heartbeat_NoAnswerWithinTimeout_TimesOutExactlyOnce()
    {
        CreateSut();

        time.Advance(Interval);
        time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["ping@30"], events);
        time.Advance(TimeSpan.FromMilliseconds(1));
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(["ping@30", "timeout@40"], events);
    }

    [Fact]
    public void Heartbeat_AnyFrameAfterPing_ClearsThePongWait()
    {
        var heartbeat = CreateSut();
        time.Advance(Interval);
        time.Advance(TimeSpan.FromSeconds(9));

        heartbeat.OnReceived();
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(["ping@30"], events);
    }

    [Fact]
    public void Heartbeat_AfterAnsweredPing_PingsAgainAfterNextSilence()
    {
        var heartbeat = CreateSut();
        time.Advance(Interval);
        heartbeat.OnReceived();

        time.Advance(Interval);

        Assert.Equal(["ping@30", "ping@60"], events);
    }

    [Fact]
    public void Heartbeat_TrafficBothWays_NeverPings()
    {
        var heartbeat = CreateSut();
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromSeconds(29));
            heartbeat.OnSent();
            heartbeat.OnReceived();
        }

        Assert.Empty(events);
    }

    [Fact]
    public void Dispose_BeforeInterval_StopsEveryTimer()
    {
        var heartbeat = CreateSut();

        heartbeat.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(events);
    }
}
