using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// Anthropic Messages: a <c>message</c> object, or <c>message_start</c>, <c>content_block_start</c>,
/// one <c>content_block_delta</c> (<c>text_delta</c>) per token, <c>content_block_stop</c>,
/// <c>message_delta</c> and <c>message_stop</c>, each with its <c>event:</c> line.
/// </summary>
internal sealed class AnthropicMessagesWriter(TimeProvider timeProvider) : EchoApiWriter(timeProvider)
{
    protected override void WriteComplete(Utf8JsonWriter json, EchoExchange exchange)
    {
        WriteMessageStart(json, exchange);
        json.WriteStartObject();
        json.WriteString("type"u8, "text"u8);
        json.WritePropertyName("text"u8);
        exchange.WriteFullText(json);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteString("stop_reason"u8, StopReason(exchange));
        json.WriteNull("stop_sequence"u8);
        WriteUsage(json, exchange.PromptTokens, exchange.CompletionTokens);
        json.WriteEndObject();
    }

    protected override void WriteHead(SseWriter sse, EchoExchange exchange)
    {
        var json = Begin(sse, "message_start"u8);
        json.WritePropertyName("message"u8);
        WriteMessageStart(json, exchange);
        json.WriteEndArray();
        json.WriteNull("stop_reason"u8);
        json.WriteNull("stop_sequence"u8);
        WriteUsage(json, exchange.PromptTokens, 0);
        json.WriteEndObject();
        End(sse, json);

        json = Begin(sse, "content_block_start"u8);
        json.WriteNumber("index"u8, 0);
        json.WriteStartObject("content_block"u8);
        json.WriteString("type"u8, "text"u8);
        json.WriteString("text"u8, ""u8);
        json.WriteEndObject();
        End(sse, json);
    }

    protected override void WriteToken(SseWriter sse, EchoExchange exchange, int index)
    {
        var json = Begin(sse, "content_block_delta"u8);
        json.WriteNumber("index"u8, 0);
        json.WriteStartObject("delta"u8);
        json.WriteString("type"u8, "text_delta"u8);
        json.WritePropertyName("text"u8);
        exchange.WriteToken(json, index);
        json.WriteEndObject();
        End(sse, json);
    }

    protected override void WriteTail(SseWriter sse, EchoExchange exchange)
    {
        var json = Begin(sse, "content_block_stop"u8);
        json.WriteNumber("index"u8, 0);
        End(sse, json);

        json = Begin(sse, "message_delta"u8);
        json.WriteStartObject("delta"u8);
        json.WriteString("stop_reason"u8, StopReason(exchange));
        json.WriteNull("stop_sequence"u8);
        json.WriteEndObject();
        json.WriteStartObject("usage"u8);
        json.WriteNumber("output_tokens"u8, exchange.CompletionTokens);
        json.WriteEndObject();
        End(sse, json);

        json = Begin(sse, "message_stop"u8);
        End(sse, json);
    }

    private static string StopReason(EchoExchange exchange) => exchange.Request.HitTokenLimit ? "max_tokens" : "end_turn";

    // Writes the message envelope up to the open "content" array.
    private static void WriteMessageStart(Utf8JsonWriter json, EchoExchange exchange)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, exchange.Id("msg_echo_"));
        json.WriteString("type"u8, "message"u8);
        json.WriteString("role"u8, "assistant"u8);
        json.WriteString("model"u8, exchange.Request.Model);
        json.WriteStartArray("content"u8);
    }

    private static void WriteUsage(Utf8JsonWriter json, int inputTokens, int outputTokens)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, inputTokens);
        json.WriteNumber("output_tokens"u8, outputTokens);
        json.WriteEndObject();
    }

    private static Utf8JsonWriter Begin(SseWriter sse, ReadOnlySpan<byte> type)
    {
        var json = sse.BeginEvent(type);
        json.WriteStartObject();
        json.WriteString("type"u8, type);
        return json;
    }

    private static void End(SseWriter sse, Utf8JsonWriter json)
    {
        json.WriteEndObject();
        sse.EndEvent();
    }
}
