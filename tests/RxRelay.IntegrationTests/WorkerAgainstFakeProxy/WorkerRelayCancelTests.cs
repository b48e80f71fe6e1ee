using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>Work the proxy no longer wants stops at the backend: on cancel, and when the session ends.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayCancelTests
{
    private const string StreamBody = """{"model":"echo-model","messages":[{"role":"user","content":"hold me"}],"stream":true}""";

    private static readonly Task Never = new TaskCompletionSource().Task;

    [Fact]
    public async Task Cancel_StreamHeldAfterFirstChunk_BackendConnectionClosedWithinOneSecond()
    {
        await using var stack = await StartHeldStreamAsync();
        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);

        await stack.SendAsync(Frames.Cancel("request-1"));

        await call.Aborted.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Cancel_StreamHeldAfterFirstChunk_ExactlyOne499CompletionWithoutHeaders()
    {
        await using var stack = await StartHeldStreamAsync();

        await stack.SendAsync(Frames.Cancel("request-1"));

        Assert.Equal("""{"type":"response_complete","request_id":"request-1","status_code":499,"body":""}""", await stack.NextFrameAsync());
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
        Assert.Null(await stack.Socket.FrameWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Cancel_AfterTheRequestCompleted_NoFrameAndTheSessionGoesOn()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync("{}");
        });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, StreamBody));
        Assert.StartsWith("""{"type":"response_complete","request_id":"request-1","status_code":200,""", await stack.NextFrameAsync(), StringComparison.Ordinal);

        await stack.SendAsync(Frames.Cancel("request-1"));
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
        Assert.Null(await stack.Socket.FrameWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task SessionDroppedByProxy_RequestHeldByBackend_BackendConnectionClosedWithinTwoSeconds()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            await call.HoldAsync(Never);
        });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, StreamBody));
        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);

        stack.Socket.Abort();

        await call.Aborted.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Null(stack.Socket.CloseStatus);
    }

    [Fact]
    public async Task SessionClosedByProxy_RequestHeldByBackend_BackendConnectionClosedWithinTwoSeconds()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            await call.HoldAsync(Never);
        });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, StreamBody));
        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);

        await stack.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");

        await call.Aborted.WaitAsync(TimeSpan.FromSeconds(2));
    }

    // request-1 streams one chunk ("data: first") and is then held by the backend until its connection goes away.
    private static async Task<WorkerStack> StartHeldStreamAsync()
    {
        var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "text/event-stream";
            await call.Response.WriteAsync("data: first\n\n");
            await call.Response.Body.FlushAsync();
            await call.HoldAsync(Never);
        });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, StreamBody));
        Assert.Equal(Frames.Chunk("request-1", "data: first\n\n"), await stack.NextFrameAsync());
        return stack;
    }
}
