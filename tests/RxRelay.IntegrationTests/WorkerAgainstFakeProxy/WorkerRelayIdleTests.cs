namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>
/// The idle rule with a short <c>--idle-timeout-secs</c>: a proxy that stays silent while the worker streams
/// does not cut the stream (docs/differences-from-upstream.md#worker-idle-while-busy); once idle, the rule
/// applies again from that moment.
/// </summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayIdleTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    private const string StreamBody = """{"model":"echo-model","messages":[{"role":"user","content":"slow stream"}],"stream":true}""";

    // 8 tokens, 250 ms apart: a 2 s stream, twice the idle timeout, with no frame from the proxy meanwhile.
    private static readonly Dictionary<string, string> LongStream = Frames.Headers(("x-echo-delay-ms", "250"), ("x-echo-tokens", "8"));

    [Fact]
    public async Task StreamLongerThanIdleTimeout_ProxySilent_CompletesOnTheSameSession()
    {
        var expectedText = await Replies.EchoAnswerAsync("/v1/chat/completions", StreamBody, Frames.Headers(("x-echo-tokens", "8")));
        await using var stack = await WorkerStack.StartEchoAsync(options => options with { IdleTimeout = IdleTimeout });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, StreamBody, headers: LongStream));
        var reply = await Replies.ReadStreamAsync(stack.Socket, "request-1");

        Assert.Equal(expectedText, reply.Text);
        var headers = Frames.Headers(("cache-control", "no-cache"), ("content-type", "text/event-stream"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, ""), Frames.WithoutDate(reply.Completion));
        Assert.False(stack.Socket.Completion.IsCompleted);
        Assert.Equal(1, stack.Proxy.ConnectionCount);
    }

    [Fact]
    public async Task IdleTimeout_AfterALongStreamEnds_SessionEndsOneIdleTimeoutLater()
    {
        await using var stack = await WorkerStack.StartEchoAsync(options => options with { IdleTimeout = IdleTimeout });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, StreamBody, headers: LongStream));
        await Replies.ReadStreamAsync(stack.Socket, "request-1");
        var completedAt = stack.Proxy.Clock.Elapsed;

        await stack.Socket.Completion.WaitAsync(WorkerStack.Patience);

        // The timer restarts when the last request leaves, a moment before its completion is sent.
        Assert.InRange(stack.Proxy.Clock.Elapsed - completedAt, IdleTimeout - TimeSpan.FromMilliseconds(100), WorkerStack.Patience);
    }
}
