using RxRelay.Protocol.Messages;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// Upstream's live_backend.rs scenarios 1–6 (docs/differences-from-upstream.md#upstream-tests-worker) at the
/// relay level, against the reference mock backend.
/// </summary>
public sealed class RelayForwardingTests
{
    private static Dictionary<string, string> H(params (string Name, string Value)[] headers)
        => headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal);

    /// <summary>What the backend sees besides the forwarded headers: the HTTP client's own.</summary>
    private static Dictionary<string, string> WithTransport(ScriptedBackend backend, int bodyLength, Dictionary<string, string> forwarded)
    {
        var all = new Dictionary<string, string>(forwarded, StringComparer.Ordinal)
        {
            ["host"] = new Uri(backend.Url).Authority,
            ["content-length"] = bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["accept-encoding"] = "gzip, deflate, br",
        };
        return all;
    }

    [Fact]
    public async Task Start_AnthropicMessages_ForwardsAnthropicHeadersAndRelaysAnswer()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        var headers = H(("content-type", "application/json"), ("x-api-key", "sk-ant-test"),
            ("anthropic-version", "2023-06-01"), ("anthropic-beta", "tools-2024-04-04"), ("x-trace-id", "trace-123"));
        const string body = """{"model":"claude-3-7-sonnet-20250219","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

        sut.Session.Start(RelaySut.Request("request-1", "/v1/messages", body: body, headers: headers));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        var received = Assert.Single(backend.Calls);
        Assert.Equal(("POST", "/v1/messages", body), (received.Method, received.Path, received.Body));
        Assert.Equal(WithTransport(backend, body.Length, headers), received.Headers);
        FrameText.AssertEqual(
            new ResponseComplete("request-1", 200, H(("anthropic-beta", "tools-2024-04-04"), ("anthropic-version", "2023-06-01"),
                ("content-type", "application/json"), ("date", ReferenceBackend.FixedDate), ("request-id", "anthropic-mock-123")),
                ReferenceBackend.MessagesBody),
            completion);
        Assert.Single(sut.Outbound.Messages);
    }

    [Fact]
    public async Task Start_StreamingAnthropicMessages_EventsInOrderThenEmptyBodyCompletion()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", "/v1/messages", streaming: true, body: """{"stream":true}"""));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(string.Concat(ReferenceBackend.AnthropicEvents), sut.Outbound.ChunkText("request-1"));
        Assert.IsType<ResponseComplete>(sut.Outbound.Messages[^1]);
        FrameText.AssertEqual(
            new ResponseComplete("request-1", 200, H(("anthropic-beta", "tools-2024-04-04"), ("anthropic-version", "2023-06-01"),
                ("content-type", "text/event-stream"), ("date", ReferenceBackend.FixedDate), ("request-id", "anthropic-mock-123")), ""),
            completion);
    }

    [Fact]
    public async Task Start_OpenAiResponses_ForwardsOpenAiHeadersAndRelays201()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        var headers = H(("content-type", "application/json"), ("authorization", "Bearer client-token"),
            ("openai-organization", "org-demo"), ("openai-beta", "responses=v1"), ("x-trace-id", "trace-123"));
        const string body = """{"model":"gpt-4.1-mini","input":"hi"}""";

        sut.Session.Start(RelaySut.Request("request-1", "/v1/responses", body: body, headers: headers));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(WithTransport(backend, body.Length, headers), Assert.Single(backend.Calls).Headers);
        FrameText.AssertEqual(
            new ResponseComplete("request-1", 201, H(("content-type", "application/json"), ("date", ReferenceBackend.FixedDate),
                ("openai-beta", "responses=v1"), ("x-backend-trace", "openai-responses-backend")), ReferenceBackend.ResponsesBody),
            completion);
    }

    [Fact]
    public Task Start_Backend429WithRetryAfter_PassedThroughVerbatim() => AssertRateLimitRelayedAsync(
        "/v1/responses",
        H(("content-type", "application/json"), ("date", ReferenceBackend.FixedDate), ("retry-after", "17"), ("x-backend-trace", "openai-responses-backend")),
        ReferenceBackend.RateLimitBody);

    [Fact]
    public Task Start_AnthropicBackend429_PassedThroughVerbatim() => AssertRateLimitRelayedAsync(
        "/v1/messages",
        H(("content-type", "application/json"), ("date", ReferenceBackend.FixedDate), ("request-id", "anthropic-mock-429")),
        """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""");

    [Fact]
    public async Task Start_StreamingOpenAiResponses_DeltasAndDoneInOrder()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", "/v1/responses", streaming: true, body: """{"stream":true}"""));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(string.Concat(ReferenceBackend.ResponsesEvents), sut.Outbound.ChunkText("request-1"));
        Assert.Equal((200, ""), (completion.StatusCode, completion.Body));
        Assert.Single(sut.Outbound.Completions("request-1"));
    }

    [Fact]
    public async Task Start_StreamingRequestBackendAnswers429_OneCompletionWithWholeBodyAndNoChunks()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", "/v1/responses", streaming: true, body: """{"stream":true,"rate_limit":true}"""));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal((429, ReferenceBackend.RateLimitBody, "17"), (completion.StatusCode, completion.Body, completion.Headers["retry-after"]));
        Assert.Single(sut.Outbound.Messages);
    }

    /// <summary>A request the reference backend rate-limits: its 429 is the completion, headers and body verbatim.</summary>
    private static async Task AssertRateLimitRelayedAsync(string path, Dictionary<string, string> expectedHeaders, string expectedBody)
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", path, body: """{"rate_limit":true}"""));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        FrameText.AssertEqual(new ResponseComplete("request-1", 429, expectedHeaders, expectedBody), completion);
    }
}
