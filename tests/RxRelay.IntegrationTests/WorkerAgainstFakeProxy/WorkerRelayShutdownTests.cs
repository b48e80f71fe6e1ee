using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>Draining: on host stop (SIGTERM) and on the proxy's <c>graceful_shutdown</c>.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayShutdownTests
{
    private const string ChatBody = """{"model":"echo-model","messages":[{"role":"user","content":"hold me"}]}""";
    private const string Served = """{"served":true}""";

    private static readonly Dictionary<string, string> ServedHeaders = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));

    [Fact]
    public async Task HostStop_RequestInFlight_AnnouncesNoModelsThenCompletesItThenCloses1000()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stack = await StartHeldAsync(release.Task, TimeSpan.FromSeconds(10));

        var stopping = stack.StopHostAsync();

        Assert.Equal(Frames.ModelsUpdate(1), await stack.NextFrameAsync());
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        Assert.Equal(Frames.Complete("request-1", 200, ServedHeaders, Served), Frames.WithoutDate(await stack.NextFrameAsync()));
        await stack.Socket.Completion.WaitAsync(WorkerStack.Patience);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, stack.Socket.CloseStatus);
        await stopping.WaitAsync(WorkerStack.Patience);
        Assert.Equal(1, stack.Proxy.ConnectionCount);
    }

    [Fact]
    public async Task HostStop_RequestArrivesWhileDraining_503WhileTheHeldRequestStillCompletes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stack = await StartHeldAsync(release.Task, TimeSpan.FromSeconds(10));
        var stopping = stack.StopHostAsync();
        Assert.Equal(Frames.ModelsUpdate(1), await stack.NextFrameAsync());

        await stack.SendAsync(Frames.Request("request-2", "/v1/chat/completions", false, ChatBody));

        Assert.Equal(
            Frames.ErrorComplete("request-2", 503, "worker_draining", "worker is draining and accepts no new requests"),
            await stack.NextFrameAsync());
        release.SetResult();
        Assert.Equal(Frames.Complete("request-1", 200, ServedHeaders, Served), Frames.WithoutDate(await stack.NextFrameAsync()));
        await stopping.WaitAsync(WorkerStack.Patience);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, stack.Socket.CloseStatus);
        Assert.Single(stack.Backend.Calls);
    }

    [Fact]
    public async Task HostStop_RequestOutlivesShutdownTimeout_503ThenCloses1000()
    {
        var never = new TaskCompletionSource().Task;
        await using var stack = await StartHeldAsync(never, TimeSpan.FromSeconds(0.5));
        var call = stack.Backend.Calls.Single();

        var stopping = stack.StopHostAsync();

        Assert.Equal(Frames.ModelsUpdate(1), await stack.NextFrameAsync());
        Assert.Equal(
            Frames.ErrorComplete("request-1", 503, "worker_draining", "worker shut down before the request finished"),
            await stack.NextFrameAsync());
        await stack.Socket.Completion.WaitAsync(WorkerStack.Patience);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, stack.Socket.CloseStatus);
        await stopping.WaitAsync(WorkerStack.Patience);
        await call.Aborted.WaitAsync(WorkerStack.Patience);
    }

    [Fact]
    public async Task GracefulShutdown_RequestInFlight_CompletesNormally()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stack = await StartHeldAsync(release.Task, TimeSpan.FromSeconds(2));

        await stack.SendAsync(GracefulShutdown);
        Assert.Equal(Frames.Pong(1), await stack.PingAsync());
        release.SetResult();

        Assert.Equal(Frames.Complete("request-1", 200, ServedHeaders, Served), Frames.WithoutDate(await stack.NextFrameAsync()));
    }

    [Fact]
    public async Task GracefulShutdown_RequestArrivesWhileDraining_503AndTheSessionStaysOpen()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync(Served);
        });

        await stack.SendAsync(GracefulShutdown);
        await stack.SendAsync(Frames.Request("request-2", "/v1/chat/completions", false, ChatBody));

        Assert.Equal(
            Frames.ErrorComplete("request-2", 503, "worker_draining", "worker is draining and accepts no new requests"),
            await stack.NextFrameAsync());
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
        Assert.False(stack.Socket.Completion.IsCompleted);
        Assert.Equal(1, stack.Proxy.ConnectionCount);
        Assert.Empty(stack.Backend.Calls);
    }

    [Fact]
    public async Task GracefulShutdown_ProxyThenCloses_WorkerReconnectsAfterTwoToThreeSeconds()
    {
        await using var stack = await WorkerStack.StartEchoAsync();
        await stack.SendAsync(GracefulShutdown);
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());

        var closedAt = await stack.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "graceful shutdown complete");
        var next = await stack.Proxy.NextConnectionAsync(WorkerStack.Patience);

        var gap = next.AcceptedAt - closedAt;
        Assert.InRange(gap, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        Assert.Equal(Frames.Register(4, "echo-model"), await next.NextTextAsync(WorkerStack.Patience));
    }

    private const string GracefulShutdown = """{"type":"graceful_shutdown","reason":"maintenance","drain_timeout_secs":30}""";

    // request-1 (non-streaming) is held by the backend until release, then answered 200 {"served":true}.
    private static async Task<WorkerStack> StartHeldAsync(Task release, TimeSpan shutdownTimeout)
    {
        var stack = await WorkerStack.StartScriptedAsync(
            async call =>
            {
                await call.HoldAsync(release);
                if (release.IsCompleted)
                {
                    call.Response.ContentType = "application/json";
                    await call.Response.WriteAsync(Served);
                }
            },
            options => options with { ShutdownTimeout = shutdownTimeout });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));
        await stack.Backend.NextCallAsync(WorkerStack.Patience);
        return stack;
    }
}
