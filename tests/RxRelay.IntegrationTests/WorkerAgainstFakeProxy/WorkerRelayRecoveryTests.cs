using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>After something breaks (a backend mid-body, the socket) the worker goes on cleanly.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayRecoveryTests
{
    private const string ChatBody = """{"model":"echo-model","messages":[{"role":"user","content":"hello"}]}""";
    private const string Served = """{"served":true}""";

    private static readonly Task Never = new TaskCompletionSource().Task;

    private static readonly Dictionary<string, string> ServedHeaders = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));

    [Fact]
    public async Task BackendDiesMidStream_ChunkSentThen502BackendErrorAndTheSessionGoesOn()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "text/event-stream";
            await call.Response.WriteAsync("data: one\n\n");
            await call.Response.Body.FlushAsync();
            await Task.Delay(50);
            call.Context.Abort();
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, ChatBody));

        Assert.Equal(Frames.Chunk("request-1", "data: one\n\n"), await stack.NextFrameAsync());
        Assert.Equal(Frames.ErrorComplete("request-1", 502, "backend_error", "the backend response was interrupted"), await stack.NextFrameAsync());
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
        Assert.Equal(1, stack.Proxy.ConnectionCount);
    }

    [Fact]
    public async Task BackendDiesMidBody_NonStreaming_502BackendError()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            call.Response.ContentLength = 100;
            await call.Response.WriteAsync("""{"partial":""");
            await call.Response.Body.FlushAsync();
            await Task.Delay(50);
            call.Context.Abort();
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));

        Assert.Equal(Frames.ErrorComplete("request-1", 502, "backend_error", "the backend response was interrupted"), await stack.NextFrameAsync());
    }

    [Fact]
    public async Task SessionDropped_WorkerReconnectsAndServesOnTheNewSessionWithNothingLeftOverFromTheOld()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            if (call.Number == 1)
            {
                await call.HoldAsync(Never);
                return;
            }

            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync(Served);
        });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));
        await stack.Backend.NextCallAsync(WorkerStack.Patience);

        stack.Socket.Abort();
        var next = await stack.Proxy.NextConnectionAsync(WorkerStack.Patience);
        Assert.Equal(Frames.Register(4, "echo-model"), await next.NextTextAsync(WorkerStack.Patience));
        await next.SendTextAsync(Frames.Request("request-2", "/v1/chat/completions", false, ChatBody));

        Assert.Equal(Frames.Complete("request-2", 200, ServedHeaders, Served), Frames.WithoutDate(await next.NextTextAsync(WorkerStack.Patience)));
        await next.SendTextAsync(Frames.Ping);
        Assert.Equal(Frames.Pong(0), await next.NextTextAsync(WorkerStack.Patience));
        Assert.Null(await next.FrameWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task ModelsRefreshThenReconnect_RegisterCarriesTheRefreshedList()
    {
        await using var stack = await WorkerStack.StartEchoAsync(models: ["m-alpha", "m-beta"]);
        await stack.SendAsync("""{"type":"models_refresh"}""");
        Assert.Equal(Frames.ModelsUpdate(0, "m-alpha", "m-beta"), await stack.NextFrameAsync());

        await stack.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "restart");
        var next = await stack.Proxy.NextConnectionAsync(WorkerStack.Patience);

        Assert.Equal(Frames.Register(4, "m-alpha", "m-beta"), await next.NextTextAsync(WorkerStack.Patience));
    }
}
