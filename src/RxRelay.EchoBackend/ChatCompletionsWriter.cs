using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// OpenAI Chat Completions: a <c>chat.completion</c> object, or <c>chat.completion.chunk</c> events
/// (role chunk, one content chunk per token, a finish chunk, an optional usage chunk) and
/// <c>data: [DONE]</c>. Chunks carry no <c>event:</c> line, as OpenAI sends them.
/// </summary>
internal sealed class ChatCompletionsWriter(TimeProvider timeProvider) : EchoApiWriter(timeProvider)
{
    protected override void WriteComplete(Utf8JsonWriter json, EchoExchange exchange)
    {
        WriteStart(json, exchange, "chat.completion"u8);
        json.WriteStartObject();
        json.WriteNumber("index"u8, 0);
        json.WriteStartObject("message"u8);
        json.WriteString("role"u8, "assistant"u8);
        json.WritePropertyName("content"u8);
        exchange.WriteFullText(json);
        json.WriteEndObject();
        json.WriteString("finish_reason"u8, FinishReason(exchange));
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, exchange);
        json.WriteEndObject();
    }

    protected override void WriteHead(SseWriter sse, EchoExchange exchange)
    {
        var json = BeginChunk(sse, exchange);
        json.WriteStartObject("delta"u8);
        json.WriteString("role"u8, "assistant"u8);
        json.WriteString("content"u8, ""u8);
        json.WriteEndObject();
        EndChunk(sse, json, finishReason: null);
    }

    protected override void WriteToken(SseWriter sse, EchoExchange exchange, int index)
    {
        var json = BeginChunk(sse, exchange);
        json.WriteStartObject("delta"u8);
        json.WritePropertyName("content"u8);
        exchange.WriteToken(json, index);
        json.WriteEndObject();
        EndChunk(sse, json, finishReason: null);
    }

    protected override void WriteTail(SseWriter sse, EchoExchange exchange)
    {
        var json = BeginChunk(sse, exchange);
        json.WriteStartObject("delta"u8);
        json.WriteEndObject();
        EndChunk(sse, json, FinishReason(exchange));
        if (exchange.Request.IncludeUsage)
        {
            json = sse.BeginEvent(default);
            WriteStart(json, exchange, "chat.completion.chunk"u8);
            json.WriteEndArray();
            WriteUsage(json, exchange);
            json.WriteEndObject();
            sse.EndEvent();
        }

        sse.WriteDone();
    }

    private static string FinishReason(EchoExchange exchange) => exchange.Request.HitTokenLimit ? "length" : "stop";

    // Writes the envelope up to the open "choices" array.
    private static void WriteStart(Utf8JsonWriter json, EchoExchange exchange, ReadOnlySpan<byte> objectType)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, exchange.Id("chatcmpl-echo-"));
        json.WriteString("object"u8, objectType);
        json.WriteNumber("created"u8, exchange.Created);
        json.WriteString("model"u8, exchange.Request.Model);
        json.WriteStartArray("choices"u8);
    }

    private static Utf8JsonWriter BeginChunk(SseWriter sse, EchoExchange exchange)
    {
        var json = sse.BeginEvent(default);
        WriteStart(json, exchange, "chat.completion.chunk"u8);
        json.WriteStartObject();
        json.WriteNumber("index"u8, 0);
        return json;
    }

    private static void EndChunk(SseWriter sse, Utf8JsonWriter json, string? finishReason)
    {
        json.WriteString("finish_reason"u8, finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        sse.EndEvent();
    }

    private static void WriteUsage(Utf8JsonWriter json, EchoExchange exchange)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("prompt_tokens"u8, exchange.PromptTokens);
        json.WriteNumber("completion_tokens"u8, exchange.CompletionTokens);
        json.WriteNumber("total_tokens"u8, exchange.PromptTokens + exchange.CompletionTokens);
        json.WriteEndObject();
    }
}
