namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// OpenAI chat completions and responses through proxy + worker + a mock backend: upstream's
/// http_worker_daemon.rs 1–3, 11, 12 and live_backend.rs 3, 4, 6
/// (docs/differences-from-upstream.md#upstream-tests).
/// </summary>
public sealed class OpenAiRelayScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task ChatCompletions_NonStreaming_ForwardsRequestAndPreservesBackendAnswer()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = call => call.RespondAsync(202, """{"id":"chatcmpl-1","object":"chat.completion"}""",
            ("content-type", "application/json"), ("x-backend-trace", "mock-backend"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false),
            [("Authorization", "Bearer client-token"), ("OpenAI-Organization", "org-demo")]);

        var call = Assert.Single(backend.Calls);
        Assert.Equal(Bodies.ChatPath, call.Path);
        Assert.Equal("Bearer client-token", call.Headers["authorization"]);
        Assert.Equal("org-demo", call.Headers["openai-organization"]);
        Assert.StartsWith("application/json", call.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(Bodies.Chat(stream: false), call.Body);
        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal("mock-backend", response.Headers.GetValues("x-backend-trace").Single());
        Assert.Equal("""{"id":"chatcmpl-1","object":"chat.completion"}""", body);
        Assert.Equal("""{"object":"list","data":[{"id":"gpt-4.1-mini","object":"model","owned_by":"worker-proxy"}]}""",
            await cluster.Http.GetStringAsync("/v1/models"));
    }

    [Fact]
    public async Task ChatCompletions_Backend429_IsPassedThroughVerbatim()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        const string error = """{"error":{"message":"rate limited","type":"rate_limit_error"}}""";
        backend.Handler = call => call.RespondAsync(429, error, ("content-type", "application/json"), ("x-backend-trace", "mock-backend"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("mock-backend", response.Headers.GetValues("x-backend-trace").Single());
        Assert.Equal(error, body);
    }

    [Fact]
    public async Task ChatCompletions_Streaming_RelaysChunksInOrderAsTheyArrive()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        string[] chunks = [Sse.ChatDelta("Hel"), Sse.ChatDelta("lo"), Sse.Done];
        backend.Handler = async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync(chunks[0]);
            await call.HoldAsync();
            await call.WriteChunkAsync(chunks[1]);
            await Task.Delay(10);
            await call.WriteChunkAsync(chunks[2]);
        };
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        await using var stream = new StreamingRead(await cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true)).WaitAsync(Bounds.Prompt));
        await stream.WaitForTextAsync(chunks[0], Bounds.Prompt);

        // The first fragment reached the client while the backend was still holding the rest.
        Assert.Equal(chunks[0], stream.Text);
        Assert.Equal(200, (int)stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        (await backend.WaitForCallAsync(1, Bounds.Prompt)).Release();
        Assert.Equal(string.Concat(chunks), await stream.ReadToEndAsync(Bounds.Prompt));
    }

    [Fact]
    public async Task Responses_NonStreaming_ForwardsOpenAiBetaAndPreserves201()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = call => call.RespondAsync(201, """{"id":"resp_123","object":"response"}""",
            ("content-type", "application/json"), ("openai-beta", "responses=v1"), ("x-backend-trace", "openai-responses-backend"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        var (response, body) = await cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false),
            [("Authorization", "Bearer client-token"), ("OpenAI-Organization", "org-demo"), ("OpenAI-Beta", "responses=v1"), ("X-Trace-Id", "trace-123")]);

        var call = Assert.Single(backend.Calls);
        Assert.Equal(Bodies.ResponsesPath, call.Path);
        Assert.Equal("Bearer client-token", call.Headers["authorization"]);
        Assert.Equal("org-demo", call.Headers["openai-organization"]);
        Assert.Equal("responses=v1", call.Headers["openai-beta"]);
        Assert.Equal("trace-123", call.Headers["x-trace-id"]);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("responses=v1", response.Headers.GetValues("openai-beta").Single());
        Assert.Equal("openai-responses-backend", response.Headers.GetValues("x-backend-trace").Single());
        Assert.Equal("""{"id":"resp_123","object":"response"}""", body);
    }

    [Fact]
    public async Task Responses_Backend429_IsPassedThroughWithRetryAfter()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        const string error = """{"error":{"message":"slow down","type":"rate_limit_error"}}""";
        backend.Handler = call => call.RespondAsync(429, error, ("content-type", "application/json"), ("retry-after", "17"));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        var (response, body) = await cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("17", response.Headers.GetValues("retry-after").Single());
        Assert.Equal(error, body);
    }

    [Fact]
    public async Task Responses_Streaming_RelaysDeltasAndDoneInOrder()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        string[] chunks = [Sse.ResponsesDelta("Hel"), Sse.ResponsesDelta("lo"), Sse.Done];
        backend.Handler = async call =>
        {
            await call.StartStreamAsync();
            foreach (var chunk in chunks)
            {
                await call.WriteChunkAsync(chunk);
                await Task.Delay(10);
            }
        };
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        await using var stream = new StreamingRead(await cluster.PostAsync(Bodies.ResponsesPath, Bodies.Responses(stream: true)).WaitAsync(Bounds.Prompt));

        Assert.Equal(string.Concat(chunks), await stream.ReadToEndAsync(Bounds.Prompt));
        Assert.Equal(200, (int)stream.Response.StatusCode);
    }
}
