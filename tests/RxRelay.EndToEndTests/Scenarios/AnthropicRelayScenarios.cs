namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// Anthropic messages through proxy + worker + a mock backend: upstream's http_worker_daemon.rs 4–5 and
/// live_backend.rs 1, 2, 5 (docs/differences-from-upstream.md#upstream-tests).
/// </summary>
public sealed class AnthropicRelayScenarios(ITestOutputHelper output)
{
    private static readonly string[] Models = [Bodies.AnthropicModel];

    [Fact]
    public async Task Messages_NonStreaming_ForwardsAnthropicHeadersAndPreservesAnswer()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        const string answer = """{"id":"msg_1","type":"message","content":[{"type":"text","text":"hello"}]}""";
        backend.Handler = call => call.RespondAsync(200, answer, ("content-type", "application/json"),
            ("anthropic-version", "2023-06-01"), ("anthropic-beta", "tools-2024-04-04"), ("request-id", "anthropic-mock-123"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { Models = Models });

        var (response, body) = await cluster.SendAsync(Bodies.MessagesPath, Bodies.Messages(stream: false),
            [("x-api-key", "client-key"), ("anthropic-version", "2023-06-01"), ("anthropic-beta", "tools-2024-04-04")]);

        var call = Assert.Single(backend.Calls);
        Assert.Equal(Bodies.MessagesPath, call.Path);
        Assert.Equal("client-key", call.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", call.Headers["anthropic-version"]);
        Assert.Equal("tools-2024-04-04", call.Headers["anthropic-beta"]);
        Assert.False(call.Headers.ContainsKey("authorization"));
        Assert.DoesNotContain(call.Headers.Keys, name => name.StartsWith("openai-", StringComparison.Ordinal));
        Assert.Equal(Bodies.Messages(stream: false), call.Body);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("2023-06-01", response.Headers.GetValues("anthropic-version").Single());
        Assert.Equal("tools-2024-04-04", response.Headers.GetValues("anthropic-beta").Single());
        Assert.Equal("anthropic-mock-123", response.Headers.GetValues("request-id").Single());
        Assert.Equal(answer, body);
    }

    [Fact]
    public async Task Messages_Streaming_RelaysEventsInOrder()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        string[] events =
        [
            Sse.Anthropic("message_start", """{"type":"message_start","message":{"id":"msg_1"}}"""),
            Sse.Anthropic("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hello"}}"""),
            Sse.Anthropic("message_stop", """{"type":"message_stop"}"""),
        ];
        backend.Handler = async call =>
        {
            await call.StartStreamAsync();
            foreach (var item in events)
            {
                await call.WriteChunkAsync(item);
                await Task.Delay(10);
            }
        };
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { Models = Models });

        await using var stream = new StreamingRead(await cluster.PostAsync(Bodies.MessagesPath, Bodies.Messages(stream: true)).WaitAsync(Bounds.Prompt));

        Assert.Equal(string.Concat(events), await stream.ReadToEndAsync(Bounds.Prompt));
        Assert.Equal(200, (int)stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Messages_Backend429_IsPassedThroughVerbatim()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        const string error = """{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}""";
        backend.Handler = call => call.RespondAsync(429, error, ("content-type", "application/json"), ("request-id", "anthropic-mock-429"), ("retry-after", "7"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { Models = Models });

        var (response, body) = await cluster.SendAsync(Bodies.MessagesPath, Bodies.Messages(stream: false));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("anthropic-mock-429", response.Headers.GetValues("request-id").Single());
        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        Assert.Equal(error, body);
    }

    [Fact]
    public async Task Messages_StreamingRequestAnswered429_KeepsTheRealStatus()
    {
        // RxRelay's docs/differences-from-upstream.md#worker-streaming-status: upstream turns an error answer
        // to stream:true into a 200 stream.
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        const string error = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";
        backend.Handler = call => call.RespondAsync(429, error, ("content-type", "application/json"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { Models = Models });

        var (response, body) = await cluster.SendAsync(Bodies.MessagesPath, Bodies.Messages(stream: true));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(error, body);
    }
}
