using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

public sealed class WorkerHeartbeatTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<string> _events = [];
    private WorkerHeartbeat? _sut;

    private WorkerHeartbeat CreateSut()
    {
        // The real outbox reports every written frame, the ping included; mimic that.
        _sut = new WorkerHeartbeat(_time, Interval, Timeout, () => { _events.Add($"ping@{Now}"); _sut!.OnSent(); }, () => _events.Add($"timeout@{Now}"));
        return _sut;
    }

    private double Now => (_time.GetUtcNow() - new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;

    public void Dispose() => _sut?.Dispose();

    [Fact]
    public void Heartbeat_OutboundSilenceWhileWorkerKeepsSending_PingsAfterInterval()
    {
        var heartbeat = CreateSut();
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            heartbeat.OnReceived(); // a streaming worker: inbound traffic only
        }

        Assert.Equal(["ping@30"], _events);
    }

    [Fact]
    public void Heartbeat_InboundSilenceWhileProxySends_PingsAfterInterval()
    {
        var heartbeat = CreateSut();
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            heartbeat.OnSent();
        }

        Assert.Equal(["ping@30"], _events);
    }

    [Fact]
    public void Heartbeat_NoAnswerWithinTimeout_TimesOutExactlyOnce()
    {
        CreateSut();

        _time.Advance(Interval);
        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["ping@30"], _events);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(["ping@30", "timeout@40"], _events);
    }

    [Fact]
    public void Heartbeat_AnyFrameAfterPing_ClearsThePongWait()
    {
        var heartbeat = CreateSut();
        _time.Advance(Interval);
        _time.Advance(TimeSpan.FromSeconds(9));

        heartbeat.OnReceived();
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(["ping@30"], _events);
    }

    [Fact]
    public void Heartbeat_AfterAnsweredPing_PingsAgainAfterNextSilence()
    {
        var heartbeat = CreateSut();
        _time.Advance(Interval);
        heartbeat.OnReceived();

        _time.Advance(Interval);

        Assert.Equal(["ping@30", "ping@60"], _events);
    }

    [Fact]
    public void Heartbeat_TrafficBothWays_NeverPings()
    {
        var heartbeat = CreateSut();
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(29));
            heartbeat.OnSent();
            heartbeat.OnReceived();
        }

        Assert.Empty(_events);
    }

    [Fact]
    public void Dispose_BeforeInterval_StopsEveryTimer()
    {
        var heartbeat = CreateSut();

        heartbeat.Dispose();
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(_events);
    }
}
