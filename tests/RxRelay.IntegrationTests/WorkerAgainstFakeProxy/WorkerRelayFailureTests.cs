using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>A failing backend or a bad request fails that request only; the session goes on.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayFailureTests
{
    private const string ChatBody = """{"model":"echo-model","messages":[{"role":"user","content":"hello"}]}""";
    private const string Served = """{"served":true}""";

    [Fact]
    public async Task BackendDropsFirstRequest_502JsonErrorThenNextRequestServedOnTheSameSession()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            if (call.Number == 1)
            {
                call.Context.Abort();
                return;
            }

            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync(Served);
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));
        Assert.Equal(
            Frames.ErrorComplete("request-1", 502, "backend_unavailable", "the backend could not be reached or sent no response"),
            await stack.NextFrameAsync());
        await stack.SendAsync(Frames.Request("request-2", "/v1/chat/completions", false, ChatBody));

        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-2", 200, headers, Served), Frames.WithoutDate(await stack.NextFrameAsync()));
        Assert.Equal(1, stack.Proxy.ConnectionCount);
        Assert.False(stack.Socket.Completion.IsCompleted);
    }

    [Fact]
    public async Task BackendRefusesConnections_502JsonErrorAndTheSessionStaysOpen()
    {
        var deadPort = FreePort.Next();
        await using var stack = await WorkerStack.StartEchoAsync(options => options with { BackendUrl = $"http://127.0.0.1:{deadPort}" });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, ChatBody));

        Assert.Equal(
            Frames.ErrorComplete("request-1", 502, "backend_unavailable", "the backend could not be reached or sent no response"),
            await stack.NextFrameAsync());
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
        Assert.Equal(1, stack.Proxy.ConnectionCount);
    }

    [Fact]
    public async Task RequestForAPathOutsideTheAllowlist_400AndNeverFetched()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync(Served);
        });

        await stack.SendAsync(Frames.Request("request-1", "/admin/keys", false, ChatBody));
        Assert.Equal(
            Frames.ErrorComplete("request-1", 400, "invalid_request_error", "endpoint path '/admin/keys' is not allowed"),
            await stack.NextFrameAsync());

        // A request that is fetched, to show the backend would have recorded the first one.
        await stack.SendAsync(Frames.Request("request-2", "/v1/chat/completions", false, ChatBody));
        Assert.StartsWith("""{"type":"response_complete","request_id":"request-2","status_code":200,""", await stack.NextFrameAsync(), StringComparison.Ordinal);
        Assert.Equal(["POST /v1/chat/completions"], stack.Backend.Calls.Select(c => $"{c.Method} {c.Path}"));
    }
}
