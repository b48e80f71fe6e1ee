using System.Net.WebSockets;
using Microsoft.Reactive.Testing;
using RxRelay.Reactive;
using static RxRelay.Worker.Tests.Connection.ConnectionHarness;

namespace RxRelay.Worker.Tests.Connection;

public sealed class WorkerConnectionLifecycleTests : ReactiveTest
{
    [Fact]
    public void Run_ConnectFailures_RetryAfter1_2_4_8_16Seconds()
    {
        var sut = new ConnectionHarness(connectFailures: 5).Start();

        sut.RunTo(40);

        Assert.Equal([0, S(1), S(3), S(7), S(15), S(31)], sut.Links.Links.Select(l => l.CreatedAt));
        Assert.Equal([0, S(1), S(3), S(7), S(15)], sut.Links.Links.Take(5).Select(l => l.DisposedAt ?? -1));
        Assert.Equal(5, sut.LinesWithId(1106).Count());
    }

    [Fact]
    public void Run_Disposed_DisposesLinkAndRelayAtDisposalTimeAndNeverReconnects()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(42, sut.Dispose);

        sut.RunTo(500);

        Assert.Equal(S(42), sut.Link(0).DisposedAt);
        Assert.True(sut.Relay(0).Disposed);
        Assert.Single(sut.Links.Links);
        Assert.Empty(sut.Decisions.Messages);
    }

    [Fact]
    public void StopAsync_Connected_AnnouncesNoModelsDrainsClosesWith1000AndCompletes()
    {
        var sut = new ConnectionHarness().Start();
        Task? stop = null;
        sut.At(5, () => stop = sut.Connection.StopAsync(CancellationToken.None));

        sut.RunTo(100);

        Assert.True(stop!.IsCompletedSuccessfully);
        Assert.Equal((S(5), """{"type":"models_update","models":[],"current_load":0}"""), sut.Link(0).Sent[^1]);
        Assert.Equal(["drain", "drain-wait 30"], sut.Relay(0).Calls);
        Assert.Equal([(S(5), WebSocketCloseStatus.NormalClosure)], sut.Link(0).Closes);
        Assert.Equal([OnCompleted<ReconnectDecision>(S(5))], sut.Decisions.Messages);
        Assert.Single(sut.Links.Links);
    }

    [Fact]
    public async Task StopAsync_WhileConnecting_NeverRegisters_ClosesWith1000WhenItOpens_AndWaitsForThat()
    {
        var sut = new ConnectionHarness(openDelaySeconds: 2).Start();
        Task? stop = null;
        sut.At(1, () => stop = sut.Connection.StopAsync(CancellationToken.None));
        var pendingAt1_5 = false;
        sut.At(1.5, () => pendingAt1_5 = !stop!.IsCompleted);

        sut.RunTo(100);

        Assert.True(pendingAt1_5);
        // The session's end reaches the stop through one thread-pool continuation, not virtual time.
        await stop!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(sut.Link(0).Sent);
        Assert.Equal([(S(2), WebSocketCloseStatus.NormalClosure)], sut.Link(0).Closes);
        Assert.Empty(sut.Relay(0).Calls);
        Assert.Equal([OnCompleted<ReconnectDecision>(S(2))], sut.Decisions.Messages);
        Assert.Single(sut.Links.Links);
        Assert.Empty(sut.LinesWithId(1100));
    }

    [Fact]
    public void StopAsync_BetweenSessions_EndsTheLoopWithoutAnotherConnect()
    {
        var sut = new ConnectionHarness(connectFailures: 1).Start();
        sut.At(0.5, () => sut.Connection.StopAsync(CancellationToken.None));

        sut.RunTo(1);

        Assert.Single(sut.Links.Links);
        Assert.Equal(OnCompleted<ReconnectDecision>(S(1)), sut.Decisions.Messages[^1]);
    }

    [Fact]
    public void Run_FailedWrite_EndsSessionWithError()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(5, () =>
        {
            sut.Link(0).SendFailure = new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
            sut.Link(0).Receive("""{"type":"ping"}""");
        });

        sut.RunTo(7);

        Assert.Equal(S(5), sut.Link(0).DisposedAt);
        Assert.Equal(S(6), sut.Link(1).CreatedAt);
        Assert.Single(sut.LinesWithId(1106));
    }

    [Fact]
    public void Run_SessionEnds_DisposesItsRelay()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(5, () => sut.Link(0).Lose());

        sut.RunTo(5.5);

        Assert.True(sut.Relay(0).Disposed);
        Assert.Equal(S(5), sut.Link(0).DisposedAt);
    }
}
