using System.Net.WebSockets;
using static RxRelay.Worker.Tests.Connection.ConnectionHarness;

namespace RxRelay.Worker.Tests.Connection;

public sealed class WorkerConnectionFrameTests
{
    [Fact]
    public void Run_OnConnect_SendsRegisterAtOnceAndLogsConnected()
    {
        var sut = new ConnectionHarness().Start();

        sut.RunTo(1);

        Assert.Equal([(0L, RegisterJson)], sut.Link(0).Sent);
        Assert.Equal(["connected to proxy, registered worker url=ws://127.0.0.1:9/v1/worker/connect?provider=openai"], sut.LinesWithId(1100));
    }

    [Fact]
    public void Run_Ping_AnswersPongWithTheRelaysInFlightCount()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(5, () => sut.Relay(0).SetInFlight(2));
        sut.At(10, () => sut.Link(0).Receive("""{"type":"ping"}"""));

        sut.RunTo(11);

        Assert.Equal((S(10), """{"type":"pong","current_load":2}"""), sut.Link(0).Sent[1]);
    }

    [Fact]
    public void Run_RequestCancelAndModelsRefresh_GoToTheRelayAndTheSessionContinues()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(5, () => sut.Link(0).Receive(
            """{"type":"request","request_id":"request-1","model":"llama-3.1-70b","endpoint_path":"/v1/chat/completions","is_streaming":false,"body":"{}"}"""));
        sut.At(6, () => sut.Link(0).Receive("""{"type":"cancel","request_id":"request-1","reason":"client_disconnect"}"""));
        sut.At(7, () => sut.Link(0).Receive("""{"type":"models_refresh"}"""));

        sut.RunTo(50);

        Assert.Equal(["start request-1", "cancel request-1", "refresh"], sut.Relay(0).Calls);
        Assert.Single(sut.Links.Links);
        Assert.Null(sut.Link(0).DisposedAt);
    }

    [Fact]
    public void Run_RegisterAck_LogsWorkerIdAndEachWarning()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(1, () => sut.Link(0).Receive(
            """{"type":"register_ack","worker_id":"worker-1","models":["llama-3.1-70b"],"warnings":["w1","w2"],"protocol_version":"2026-04-bridge-v1"}"""));

        sut.RunTo(2);

        Assert.Equal(["registration acknowledged worker_id=worker-1"], sut.LinesWithId(1101));
        Assert.Equal(["proxy registration warning warning=w1", "proxy registration warning warning=w2"], sut.LinesWithId(1102));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"type":"surprise"}""")]
    public void Run_UnreadableFrame_EndsSessionWithErrorAndBacksOff(string frame)
    {
        var sut = new ConnectionHarness().Start();
        sut.At(5, () => sut.Link(0).Receive(frame));

        sut.RunTo(7);

        Assert.Equal(S(5), sut.Link(0).DisposedAt);
        Assert.Equal(S(6), sut.Link(1).CreatedAt);
        Assert.Contains("attempt=1 delay_ms=1000 session_duration_secs=5", Assert.Single(sut.LinesWithId(1106)), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_GracefulShutdownThenClose_DrainsRelayAndReconnectsAfterTwoSeconds()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(5, () => sut.Link(0).Receive("""{"type":"graceful_shutdown","reason":"maintenance","drain_timeout_secs":30}"""));
        sut.At(8, () => sut.Link(0).CloseFromProxy(WebSocketCloseStatus.NormalClosure, "graceful shutdown complete"));

        sut.RunTo(11);

        Assert.Equal(["drain"], sut.Relay(0).Calls);
        Assert.Equal(S(10), sut.Link(1).CreatedAt);
        Assert.Equal(["server sent graceful shutdown, reconnecting to new instance attempt=1 delay_ms=2000 session_duration_secs=8"], sut.LinesWithId(1104));
    }

    [Fact]
    public void Run_AuthenticationRejected_LogsReasonAtErrorAndRetriesWithGrowingDelays()
    {
        var sut = new ConnectionHarness().Start();
        sut.At(0.5, () => sut.Link(0).CloseFromProxy(WebSocketCloseStatus.PolicyViolation, "worker authentication failed"));
        sut.At(2, () => sut.Link(1).CloseFromProxy(WebSocketCloseStatus.PolicyViolation, "worker authentication failed"));
        sut.At(4.5, () => sut.Link(2).CloseFromProxy(WebSocketCloseStatus.PolicyViolation, "worker authentication failed"));

        sut.RunTo(9);

        Assert.Equal([0, S(1.5), S(4), S(8.5)], sut.Links.Links.Select(l => l.CreatedAt));
        Assert.Equal(3, sut.Logger.Lines.Count(l => l is { EventId: 1107, Level: Microsoft.Extensions.Logging.LogLevel.Error, Message: "proxy rejected the worker reason=worker authentication failed" }));
    }

    [Fact]
    public void Run_AnySession_NeverLogsTheSecret()
    {
        var sut = new ConnectionHarness(connectFailures: 1).Start();
        sut.At(2, () => sut.Link(1).CloseFromProxy(WebSocketCloseStatus.PolicyViolation, "worker authentication failed"));

        sut.RunTo(100);

        Assert.NotEmpty(sut.Logger.Lines);
        Assert.DoesNotContain(sut.Logger.Lines, l => l.Message.Contains("top-secret", StringComparison.Ordinal));
    }
}
