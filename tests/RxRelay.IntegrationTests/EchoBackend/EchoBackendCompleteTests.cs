using System.Net;
using System.Text.Json;

namespace RxRelay.IntegrationTests.EchoBackend;

public sealed class EchoBackendCompleteTests
{
    [Fact]
    public Task ChatCompletions_NonStreaming_ReturnsExactCompletionObject() => AssertPostAnswersAsync(
        "/v1/chat/completions", """{"model":"llama","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"old"},{"role":"assistant","content":"x"},{"role":"user","content":"hello  big\nworld"}]}""",
        HttpStatusCode.OK, """{"id":"chatcmpl-echo-1","object":"chat.completion","created":1700000000,"model":"llama","choices":[{"index":0,"message":{"role":"assistant","content":"hello big world "},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}}""");

    [Fact]
    public Task ChatCompletions_ContentPartsAndEchoTokens_CyclesWordsAndHonoursMaxTokens() => AssertPostAnswersAsync(
        "/v1/chat/completions", """{"model":"m","echo_tokens":9,"max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"a b"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"c"}]}]}""",
        HttpStatusCode.OK, """{"id":"chatcmpl-echo-1","object":"chat.completion","created":1700000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a b c a b "},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}""");

    [Fact]
    public Task Responses_NonStreamingWithStringInput_ReturnsExactResponseObject() => AssertPostAnswersAsync(
        "/v1/responses", """{"model":"m","input":"one two"}""",
        HttpStatusCode.OK, """{"id":"resp_echo_1","object":"response","created_at":1700000000,"status":"completed","model":"m","output":[{"id":"msg_echo_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"one two ","annotations":[]}]}],"usage":{"input_tokens":2,"output_tokens":2,"total_tokens":4}}""");

    [Fact]
    public async Task Responses_InputItemsWithHeaderTokens_EchoesLastUserItem()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        using var response = await echo.Client.SendAsync(EchoBackendHarness.Post("/v1/responses",
            """{"model":"m","echo_tokens":1,"input":[{"role":"user","content":"first"},{"type":"message","role":"user","content":[{"type":"input_text","text":"ünï code"}]}]}""",
            ("x-echo-tokens", "3")));

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ünï code ünï ", document.RootElement.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public Task AnthropicMessages_NonStreaming_ReturnsExactMessageObject() => AssertPostAnswersAsync(
        "/v1/messages", """{"model":"claude","max_tokens":100,"system":"ignored","messages":[{"role":"user","content":[{"type":"text","text":"hi there"}]}]}""",
        HttpStatusCode.OK, """{"id":"msg_echo_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"hi there "}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":2,"output_tokens":2}}""");

    [Fact]
    public async Task Models_Get_ListsConfiguredModelsExactly()
    {
        await using var echo = await EchoBackendHarness.StartAsync("a", "b");

        using var response = await echo.Client.GetAsync("/v1/models");

        await AssertJsonAsync(response, HttpStatusCode.OK,
            """{"object":"list","data":[{"id":"a","object":"model","created":0,"owned_by":"rxrelay-echo"},{"id":"b","object":"model","created":0,"owned_by":"rxrelay-echo"}]}""");
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{not json", "request body is not valid JSON")]
    [InlineData("/v1/responses", "", "request body is not valid JSON")]
    [InlineData("/v1/chat/completions", "[1]", "request body must be a JSON object")]
    [InlineData("/v1/chat/completions", """{"messages":[]}""", "'model' is required and must be a non-empty string")]
    [InlineData("/v1/responses", """{"model":"m","echo_tokens":-1}""", "'echo_tokens' must be a non-negative integer")]
    [InlineData("/v1/chat/completions", """{"model":"m","echo_delay_ms":"5"}""", "'echo_delay_ms' must be a non-negative integer")]
    public Task OpenAiRoutes_BadRequest_Return400WithOpenAiError(string path, string body, string message) => AssertPostAnswersAsync(
        path, body,
        HttpStatusCode.BadRequest, $$$"""{"error":{"type":"invalid_request_error","message":"{{{message}}}"}}""");

    [Fact]
    public Task AnthropicMessages_MissingModel_Returns400WithAnthropicError() => AssertPostAnswersAsync(
        "/v1/messages", """{"max_tokens":1}""",
        HttpStatusCode.BadRequest, """{"type":"error","error":{"type":"invalid_request_error","message":"'model' is required and must be a non-empty string"}}""");

    [Fact]
    public Task ChatCompletions_BadTokensHeader_Returns400() => AssertPostAnswersAsync(
        "/v1/chat/completions", """{"model":"m"}""",
        HttpStatusCode.BadRequest, """{"error":{"type":"invalid_request_error","message":"header 'x-echo-tokens' must be a non-negative integer"}}""", ("x-echo-tokens", "lots"));

    [Fact]
    public async Task UnknownPath_Returns404()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        using var response = await echo.Client.SendAsync(EchoBackendHarness.Post("/v1/embeddings", """{"model":"m"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>POSTs <paramref name="request"/> to a fresh echo backend; the answer is exactly <paramref name="expectedJson"/>.</summary>
    private static async Task AssertPostAnswersAsync(string path, string request, HttpStatusCode status, string expectedJson, params (string Name, string Value)[] headers)
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        using var response = await echo.Client.SendAsync(EchoBackendHarness.Post(path, request, headers));

        await AssertJsonAsync(response, status, expectedJson);
    }

    private static async Task AssertJsonAsync(HttpResponseMessage response, HttpStatusCode status, string expectedJson)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var _ = JsonDocument.Parse(body); // must be valid JSON, not just the expected text
        Assert.Equal(expectedJson, body);
    }
}
