using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>The model catalog: wildcard resolution at start-up and <c>models_refresh</c>.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayModelsTests
{
    private const string ModelsRefresh = """{"type":"models_refresh","reason":"catalog changed"}""";

    [Fact]
    public async Task Start_WildcardModels_RegistersExactlyTheEchoBackendModels()
    {
        await using var stack = await WorkerStack.StartEchoAsync(options => options with { Models = ["*"] }, "a", "b");

        Assert.Equal(Frames.Register(4, "a", "b"), stack.RegisterFrame);
    }

    [Fact]
    public async Task Start_WildcardModelsBackendDown_RegistersTheWildcard()
    {
        var deadPort = FreePort.Next();
        await using var stack = await WorkerStack.StartEchoAsync(options => options with { Models = ["*"], BackendUrl = $"http://127.0.0.1:{deadPort}" });

        Assert.Equal(Frames.Register(4, "*"), stack.RegisterFrame);
    }

    [Fact]
    public async Task ModelsRefresh_EchoBackend_ExactModelsUpdateWithItsListAndCurrentLoad()
    {
        await using var stack = await WorkerStack.StartEchoAsync(models: ["m-alpha", "m-beta"]);
        // Held a minute by the echo's pacing, so the refresh sees one request in flight.
        var slow = Frames.Headers(("x-echo-delay-ms", "60000"), ("x-echo-tokens", "1"));
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, """{"model":"m-alpha","messages":[]}""", headers: slow));

        await stack.SendAsync(ModelsRefresh);

        Assert.Equal(Frames.ModelsUpdate(1, "m-alpha", "m-beta"), await stack.NextFrameAsync());
        await stack.SendAsync(Frames.Cancel("request-1"));
        Assert.Equal(Frames.Complete("request-1", 499, null, ""), await stack.NextFrameAsync());
    }

    [Fact]
    public async Task ModelsRefresh_BackendModelsFails_NoModelsUpdateAndTheSessionStaysOpen()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(call =>
        {
            call.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });

        await stack.SendAsync(ModelsRefresh);
        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);
        Assert.Equal("GET /v1/models", $"{call.Method} {call.Path}");
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
        Assert.Null(await stack.Socket.FrameWithinAsync(TimeSpan.FromMilliseconds(300)));
        Assert.False(stack.Socket.Completion.IsCompleted);
        Assert.Equal(1, stack.Proxy.ConnectionCount);
    }
}
