using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// The mock backend of upstream's worker integration tests
/// (docs/differences-from-upstream.md#upstream-tests-worker): <c>/v1/models</c>, <c>/v1/responses</c> (201,
/// <c>openai-beta</c>, <c>x-backend-trace</c>), <c>/v1/messages</c> (200, Anthropic headers,
/// <c>request-id</c>), streaming variants when the body asks <c>"stream":true</c>, and a 429 when it asks
/// <c>"rate_limit":true</c>.
/// </summary>
internal static class ReferenceBackend
{
    public const string FixedDate = "Tue, 24 Nov 2026 00:00:00 GMT";
    public const string ResponsesBody = """{"id":"resp_123","object":"response","output_text":"hello"}""";
    public const string MessagesBody = """{"id":"msg_1","type":"message","content":[{"type":"text","text":"hi"}]}""";
    public const string RateLimitBody = """{"error":{"type":"rate_limit_error","message":"slow down"}}""";

    public static readonly string[] AnthropicEvents =
    [
        "event: message_start\ndata: {\"type\":\"message_start\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"hi\"}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ];

    public static readonly string[] ResponsesEvents =
    [
        "data: {\"id\":\"resp_123\",\"type\":\"response.output_text.delta\",\"delta\":\"hel\"}\n\n",
        "data: {\"id\":\"resp_123\",\"type\":\"response.output_text.delta\",\"delta\":\"lo\"}\n\n",
        "data: [DONE]\n\n",
    ];

    public static Task<ScriptedBackend> StartAsync() => ScriptedBackend.StartAsync(HandleAsync);

    private static async Task HandleAsync(BackendCall request)
    {
        var response = request.Response;
        response.Headers.Date = FixedDate;
        var streaming = request.Body.Contains("\"stream\":true", StringComparison.Ordinal);
        var rateLimited = request.Body.Contains("\"rate_limit\":true", StringComparison.Ordinal);
        switch (request.Path)
        {
            case "/v1/models":
                await WriteAsync(response, 200, "application/json", """{"object":"list","data":[{"id":"gpt-4.1-mini"},{"id":"claude-3-7-sonnet-20250219"}]}""");
                break;
            case "/v1/responses" when rateLimited:
                response.Headers["retry-after"] = "17";
                response.Headers["x-backend-trace"] = "openai-responses-backend";
                await WriteAsync(response, 429, "application/json", RateLimitBody);
                break;
            case "/v1/responses":
                response.Headers["openai-beta"] = "responses=v1";
                response.Headers["x-backend-trace"] = "openai-responses-backend";
                await (streaming ? StreamAsync(response, ResponsesEvents) : WriteAsync(response, 201, "application/json", ResponsesBody));
                break;
            case "/v1/messages" when rateLimited:
                response.Headers["request-id"] = "anthropic-mock-429";
                await WriteAsync(response, 429, "application/json", """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""");
                break;
            case "/v1/messages":
                response.Headers["anthropic-version"] = "2023-06-01";
                response.Headers["anthropic-beta"] = "tools-2024-04-04";
                response.Headers["request-id"] = "anthropic-mock-123";
                await (streaming ? StreamAsync(response, AnthropicEvents) : WriteAsync(response, 200, "application/json", MessagesBody));
                break;
            default:
                await WriteAsync(response, 404, "text/plain", "not found");
                break;
        }
    }

    public static async Task WriteAsync(HttpResponse response, int status, string contentType, string body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    public static async Task StreamAsync(HttpResponse response, IEnumerable<string> events)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        foreach (var item in events)
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(item));
            await response.Body.FlushAsync();
        }
    }
}
