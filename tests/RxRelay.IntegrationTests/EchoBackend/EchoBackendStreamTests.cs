using System.Text.Json;

namespace RxRelay.IntegrationTests.EchoBackend;

public sealed class EchoBackendStreamTests
{
    private const string ChatChunk = """{"id":"chatcmpl-echo-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":""";

    [Fact]
    public async Task ChatCompletions_StreamThreeTokens_SendsExactChunksThenDone()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        var events = await StreamAsync(echo, "/v1/chat/completions", """{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c"}]}""");

        Assert.Equal(
            [
                new(null, ChatChunk + """[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"""),
                new(null, ChatChunk + """[{"index":0,"delta":{"content":"a "},"finish_reason":null}]}"""),
                new(null, ChatChunk + """[{"index":0,"delta":{"content":"b "},"finish_reason":null}]}"""),
                new(null, ChatChunk + """[{"index":0,"delta":{"content":"c "},"finish_reason":null}]}"""),
                new(null, ChatChunk + """[{"index":0,"delta":{},"finish_reason":"stop"}]}"""),
                new SseEvent(null, "[DONE]"),
            ],
            events);
    }

    [Fact]
    public async Task ChatCompletions_StreamWithIncludeUsage_SendsUsageChunkBeforeDone()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        var events = await StreamAsync(echo, "/v1/chat/completions", """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b"}]}""");

        Assert.Equal(ChatChunk + """[],"usage":{"prompt_tokens":2,"completion_tokens":2,"total_tokens":4}}""", events[^2].Data);
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public async Task Responses_StreamThreeTokens_SendsExactEventSequence()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        var events = await StreamAsync(echo, "/v1/responses", """{"model":"m","stream":true,"input":"a b c"}""");

        const string inProgress = """{"id":"resp_echo_1","object":"response","created_at":1700000000,"status":"in_progress","model":"m","output":[],"usage":null}""";
        const string part = "\"item_id\":\"msg_echo_1\",\"output_index\":0,\"content_index\":0";
        const string done = """{"id":"msg_echo_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"a b c ","annotations":[]}]}""";
        Assert.Equal(
            [
                new("response.created", $$$"""{"type":"response.created","sequence_number":0,"response":{{{inProgress}}}}"""),
                new("response.in_progress", $$$"""{"type":"response.in_progress","sequence_number":1,"response":{{{inProgress}}}}"""),
                new("response.output_item.added", """{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_echo_1","type":"message","status":"in_progress","role":"assistant","content":[]}}"""),
                new("response.content_part.added", $$$"""{"type":"response.content_part.added","sequence_number":3,{{{part}}},"part":{"type":"output_text","text":"","annotations":[]}}"""),
                new("response.output_text.delta", $$$"""{"type":"response.output_text.delta","sequence_number":4,{{{part}}},"delta":"a "}"""),
                new("response.output_text.delta", $$$"""{"type":"response.output_text.delta","sequence_number":5,{{{part}}},"delta":"b "}"""),
                new("response.output_text.delta", $$$"""{"type":"response.output_text.delta","sequence_number":6,{{{part}}},"delta":"c "}"""),
                new("response.output_text.done", $$$"""{"type":"response.output_text.done","sequence_number":7,{{{part}}},"text":"a b c "}"""),
                new("response.content_part.done", $$$"""{"type":"response.content_part.done","sequence_number":8,{{{part}}},"part":{"type":"output_text","text":"a b c ","annotations":[]}}"""),
                new("response.output_item.done", $$$"""{"type":"response.output_item.done","sequence_number":9,"output_index":0,"item":{{{done}}}}"""),
                new("response.completed", $$$$"""{"type":"response.completed","sequence_number":10,"response":{"id":"resp_echo_1","object":"response","created_at":1700000000,"status":"completed","model":"m","output":[{{{{done}}}}],"usage":{"input_tokens":3,"output_tokens":3,"total_tokens":6}}}"""),
            ],
            events);
    }

    [Fact]
    public async Task AnthropicMessages_StreamThreeTokens_SendsExactEventSequence()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        var events = await StreamAsync(echo, "/v1/messages", """{"model":"m","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"a b c"}]}""");

        Assert.Equal(
            [
                new("message_start", """{"type":"message_start","message":{"id":"msg_echo_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":0}}}"""),
                new("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                new("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a "}}"""),
                new("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"b "}}"""),
                new("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"c "}}"""),
                new("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                new("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}"""),
                new("message_stop", """{"type":"message_stop"}"""),
            ],
            events);
    }

    [Theory]
    [InlineData("/v1/chat/completions", 0)]
    [InlineData("/v1/chat/completions", 250)]
    [InlineData("/v1/responses", 7)]
    [InlineData("/v1/messages", 1000)]
    public async Task AnyApi_EchoTokensHeader_SendsExactlyThatManyDeltas(string path, int tokens)
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        var events = await StreamAsync(echo, path, """{"model":"m","stream":true,"echo_tokens":2,"input":"x","messages":[{"role":"user","content":"x"}]}""", ("x-echo-tokens", tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(tokens, events.Count(IsDelta));
    }

    [Fact]
    public async Task StreamingResponse_Headers_AreEventStreamWithoutCaching()
    {
        await using var echo = await EchoBackendHarness.StartAsync();
        using var request = EchoBackendHarness.Post("/v1/messages", """{"model":"m","stream":true}""");

        using var response = await echo.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    internal static async Task<List<SseEvent>> StreamAsync(EchoBackendHarness echo, string path, string body, params (string, string)[] headers)
    {
        using var request = EchoBackendHarness.Post(path, body, headers);
        using var response = await echo.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var events = new SseEvents(await response.Content.ReadAsStreamAsync());
        return await events.ReadAllAsync();
    }

    internal static bool IsDelta(SseEvent e)
    {
        if (e.Data == "[DONE]")
        {
            return false;
        }

        using var document = JsonDocument.Parse(e.Data);
        var root = document.RootElement;
        return e.Event is "response.output_text.delta" or "content_block_delta"
            || (e.Event is null && root.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices
                && choices.GetArrayLength() == 1 && choices[0].GetProperty("delta").TryGetProperty("content", out var content)
                && content.GetString()!.Length > 0);
    }
}
