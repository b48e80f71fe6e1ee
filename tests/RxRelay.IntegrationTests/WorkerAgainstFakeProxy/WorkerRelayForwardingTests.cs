using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>What the backend receives for a <c>request</c> frame.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayForwardingTests
{
    [Fact]
    public async Task Request_BodyWithEscapesAndNonAscii_BackendReceivesItByteIdentical()
    {
        const string body = "{\"model\":\"echo-model\",\"messages\":[{\"role\":\"user\",\"content\":\"café \\\"quoted\\\" \\\\ tab\\t 🚀\"}]}";
        await using var stack = await StartAsync();

        await stack.SendAsync(Frames.Request("request-1", "/v1/messages", false, body));

        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);
        Assert.Equal(("POST", "/v1/messages", body), (call.Method, call.Path, call.Body));
    }

    [Fact]
    public async Task Request_ClientHeaders_EndToEndHeadersForwardedHopByHopDropped()
    {
        var headers = Frames.Headers(
            ("accept-encoding", "identity"),
            ("anthropic-version", "2023-06-01"),
            ("authorization", "Bearer client-token"),
            ("connection", "keep-alive"),
            ("content-type", "application/json"),
            ("proxy-authorization", "Basic c2VjcmV0"),
            ("te", "trailers"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "websocket"),
            ("x-trace-id", "trace-123"));
        await using var stack = await StartAsync();

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, """{"model":"echo-model"}""", headers: headers));

        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);
        Assert.Equal("2023-06-01", call.Headers["anthropic-version"]);
        Assert.Equal("Bearer client-token", call.Headers["authorization"]);
        Assert.Equal("application/json", call.Headers["content-type"]);
        Assert.Equal("trace-123", call.Headers["x-trace-id"]);
        Assert.NotEqual("identity", call.Headers["accept-encoding"]);
        Assert.Equal("22", call.Headers["content-length"]);
        Assert.DoesNotContain("proxy-authorization", call.Headers.Keys);
        Assert.DoesNotContain("te", call.Headers.Keys);
        Assert.DoesNotContain("transfer-encoding", call.Headers.Keys);
        Assert.DoesNotContain("upgrade", call.Headers.Keys);
        Assert.NotEqual("keep-alive", call.Headers.GetValueOrDefault("connection"));
    }

    [Fact]
    public async Task Request_BackendUrlWithPathPrefix_PostsToPrefixPlusEndpointPath()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(
            async call =>
            {
                call.Response.ContentType = "application/json";
                await call.Response.WriteAsync("{}");
            },
            options => options with { BackendUrl = options.BackendUrl + "/llm/" });

        await stack.SendAsync(Frames.Request("request-1", "/v1/responses", false, """{"model":"echo-model"}"""));

        var call = await stack.Backend.NextCallAsync(WorkerStack.Patience);
        Assert.Equal("POST /llm/v1/responses", $"{call.Method} {call.Path}");
    }

    private static Task<WorkerStack> StartAsync()
        => WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync("{}");
        });
}
