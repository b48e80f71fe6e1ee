using static RxRelay.Worker.Tests.Connection.ConnectionHarness;

namespace RxRelay.Worker.Tests.Connection;

public sealed class WorkerConnectionIdleTests
{
    private const string PingJson = """{"type":"ping"}""";

    [Fact]
    public void Run_SilentProxy_EndsSessionAt90SecondsAndReconnectsOneSecondLater()
    {
        var sut = new ConnectionHarness().Start();

        sut.RunTo(95);

        Assert.Equal(S(90), sut.Link(0).DisposedAt);
        Assert.Equal([0, S(91)], sut.Links.Links.Select(l => l.CreatedAt));
        Assert.Equal(["no messages received from server within idle timeout, assuming dead connection timeout_secs=90"], sut.LinesWithId(1103));
        Assert.Equal(["connection closed unexpectedly, reconnecting attempt=1 delay_ms=1000 session_duration_secs=90"], sut.LinesWithId(1105));
    }

    [Fact]
    public void Run_FramesAt89And178Seconds_KeepSessionAliveUntil268Seconds()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(89, () => sut.Link(0).Receive(PingJson));
        sut.At(178, () => sut.Link(0).Receive(PingJson));

        sut.RunTo(300);

        Assert.Equal(S(268), sut.Link(0).DisposedAt);
    }

    [Fact]
    public void Run_OutboundOnlyTraffic_DoesNotKeepSessionAlive()
    {
        var sut = new ConnectionHarness().Start();
        foreach (var second in new[] { 30, 60, 85 })
            sut.At(second, () => _ = sut.Relay(0).Outbound.SendAsync(new Protocol.Messages.ResponseChunk("request-1", "x"), CancellationToken.None).AsTask());

        sut.RunTo(95);

        Assert.Equal(S(90), sut.Link(0).DisposedAt);
        Assert.Equal([0, S(30), S(60), S(85)], sut.Link(0).Sent.Select(s => s.Time));
    }

    [Fact]
    public void Run_RequestsInFlightFrom10To200Seconds_EndSession90SecondsAfterIdle()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(10, () => sut.Relay(0).SetInFlight(1));
        sut.At(150, () => sut.Relay(0).SetInFlight(2));
        sut.At(200, () => sut.Relay(0).SetInFlight(0));

        sut.RunTo(300);

        // The count reaches the idle rule through the scheduler (never synchronously from the relay's
        // thread), which a TestScheduler runs one tick after "now".
        Assert.Equal(S(290) + 1, sut.Link(0).DisposedAt);
    }

    [Fact]
    public void Run_BinaryFrame_CountsAsInboundActivity()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(50, () => sut.Link(0).ReceiveBinary());

        sut.RunTo(150);

        Assert.Equal(S(140), sut.Link(0).DisposedAt);
    }

    [Fact]
    public void Run_LongSessionLost_ResetsBackoffToOneSecond()
    {
        var sut = new ConnectionHarness(connectFailures: 2).Start();
        foreach (var second in new[] { 60, 120, 180 })
            sut.At(second, () => sut.Link(2).Receive(PingJson));
        sut.At(200, () => sut.Link(2).Lose());

        sut.RunTo(202);

        Assert.Equal([0, S(1), S(3), S(201)], sut.Links.Links.Select(l => l.CreatedAt));
        Assert.Contains("attempt=1 delay_ms=1000 session_duration_secs=197", sut.LinesWithId(1106).Last(), StringComparison.Ordinal);
    }
}
