namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// One of the three relayed routes with upstream's test specifics (http_chat_completions.rs /
/// http_messages.rs / http_responses.rs, docs/differences-from-upstream.md#upstream-tests-server).
/// </summary>
internal sealed record InferenceRoute(
    string Name,
    string Path,
    string Provider,
    string Model,
    (string Name, string Value)[] ClientHeaders,
    string WorkerHeadersJson,
    int SuccessStatus,
    string SuccessStatusLine,
    string SuccessHeadersJson,
    string SuccessBody,
    int ErrorStatus,
    string ErrorStatusLine,
    string ErrorHeadersJson,
    string ErrorBody,
    string[] StreamChunks)
{
    public static readonly InferenceRoute Chat = new(
        "chat", "/v1/chat/completions", "openai", "llama-3.1-70b",
        [("Authorization", "Bearer test-token"), ("X-Trace-Id", "trace-123")],
        """{"authorization":"Bearer test-token","content-type":"application/json","x-trace-id":"trace-123"}""",
        202, "HTTP/1.1 202 Accepted", """{"content-type":"application/json","x-worker-backend":"gpu-box-a"}""",
        """{"id":"chatcmpl-1","object":"chat.completion","choices":[{"message":{"role":"assistant","content":"hi"}}]}""",
        422, "HTTP/1.1 422 Unprocessable Entity", """{"content-type":"application/json","retry-after":"7","x-upstream-request-id":"upstream-422"}""",
        """{"error":{"message":"bad request","type":"invalid_request_error"}}""",
        ["data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n", "data: [DONE]\n\n"]);

    public static readonly InferenceRoute Messages = new(
        "messages", "/v1/messages", "anthropic", "claude-3-5-sonnet-20241022",
        [("x-api-key", "sk-ant-test"), ("anthropic-version", "2023-06-01"), ("anthropic-beta", "tools-2024-04-04")],
        """{"anthropic-beta":"tools-2024-04-04","anthropic-version":"2023-06-01","content-type":"application/json","x-api-key":"sk-ant-test"}""",
        200, "HTTP/1.1 200 OK", """{"anthropic-beta":"tools-2024-04-04","content-type":"application/json","x-worker-backend":"gpu-box-a"}""",
        """{"id":"msg_1","type":"message","content":[{"type":"text","text":"hi"}]}""",
        429, "HTTP/1.1 429 Too Many Requests", """{"content-type":"application/json","retry-after":"7","x-upstream-request-id":"upstream-429"}""",
        """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""",
        ["event: message_start\ndata: {\"type\":\"message_start\"}\n\n", "event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n", "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"]);

    public static readonly InferenceRoute Responses = new(
        "responses", "/v1/responses", "openai", "gpt-4.1-mini",
        [("Authorization", "Bearer test-token"), ("OpenAI-Beta", "responses=v1"), ("X-Trace-Id", "trace-123")],
        """{"authorization":"Bearer test-token","content-type":"application/json","openai-beta":"responses=v1","x-trace-id":"trace-123"}""",
        201, "HTTP/1.1 201 Created", """{"content-type":"application/json","openai-beta":"responses=v1"}""",
        """{"id":"resp_123","object":"response","output_text":"hi"}""",
        429, "HTTP/1.1 429 Too Many Requests", """{"content-type":"application/json","openai-beta":"responses=v1","retry-after":"7"}""",
        """{"error":{"message":"rate limited","type":"rate_limit_error"}}""",
        ["data: {\"type\":\"response.output_text.delta\",\"id\":\"resp_123\",\"delta\":\"Hel\"}\n\n", "data: {\"type\":\"response.output_text.delta\",\"id\":\"resp_123\",\"delta\":\"lo\"}\n\n", "data: [DONE]\n\n"]);

    public static TheoryData<string> All => new("chat", "messages", "responses");

    public static InferenceRoute ByName(string name) => name switch
    {
        "chat" => Chat,
        "messages" => Messages,
        _ => Responses,
    };

    public string Body(bool? stream = null, string content = "hello") =>
        $$"""{"model":"{{Model}}",{{(stream is { } s ? $"\"stream\":{(s ? "true" : "false")}," : "")}}"messages":[{"role":"user","content":"{{content}}"}]}""";

    public string RequestFrame(string id, string body, bool streaming = false, string? headersJson = null) =>
        Wire.Request(id, body, Path, streaming, Model, headersJson ?? WorkerHeadersJson);

    public Task<ProxyTestHost> StartHostAsync(Func<RxRelay.Proxy.Configuration.ProxyOptions, RxRelay.Proxy.Configuration.ProxyOptions>? configure = null, TimeProvider? time = null) =>
        ProxyTestHost.StartAsync(o => (configure ?? (x => x))(o with { Provider = Provider }), time);

    public Task<(FakeWorkerSocket Worker, string Ack)> RegisterAsync(ProxyTestHost host, string name = "gpu-box-a") =>
        ScriptedWorker.RegisterAsync(host, name, [Model], 1, Provider);

    public Task<RawHttp> PostAsync(ProxyTestHost host, string body, bool withHeaders = true) =>
        RawHttp.PostAsync(host.Port, Path, body, withHeaders ? ClientHeaders : []);
}
