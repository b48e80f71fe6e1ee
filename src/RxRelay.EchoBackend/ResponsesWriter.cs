using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// OpenAI Responses: a <c>response</c> object, or the event sequence OpenAI sends for one text
/// message (<c>response.created</c>, <c>response.in_progress</c>, <c>response.output_item.added</c>,
/// <c>response.content_part.added</c>, one <c>response.output_text.delta</c> per token,
/// <c>response.output_text.done</c>, <c>response.content_part.done</c>,
/// <c>response.output_item.done</c>, <c>response.completed</c>), each with an <c>event:</c> line and a
/// <c>sequence_number</c>. SDK stream accumulators need the item and part events to place deltas.
/// </summary>
internal sealed class ResponsesWriter(TimeProvider timeProvider) : EchoApiWriter(timeProvider)
{
    protected override void WriteComplete(Utf8JsonWriter json, EchoExchange exchange) => WriteResponse(json, exchange, completed: true);

    protected override void WriteHead(SseWriter sse, EchoExchange exchange)
    {
        var json = Begin(sse, exchange, "response.created"u8);
        json.WritePropertyName("response"u8);
        WriteResponse(json, exchange, completed: false);
        End(sse, json);

        json = Begin(sse, exchange, "response.in_progress"u8);
        json.WritePropertyName("response"u8);
        WriteResponse(json, exchange, completed: false);
        End(sse, json);

        json = Begin(sse, exchange, "response.output_item.added"u8);
        json.WriteNumber("output_index"u8, 0);
        json.WritePropertyName("item"u8);
        WriteMessage(json, exchange, completed: false);
        End(sse, json);

        json = BeginPartEvent(sse, exchange, "response.content_part.added"u8);
        json.WritePropertyName("part"u8);
        WritePart(json, exchange, completed: false);
        End(sse, json);
    }

    protected override void WriteToken(SseWriter sse, EchoExchange exchange, int index)
    {
        var json = BeginPartEvent(sse, exchange, "response.output_text.delta"u8);
        json.WritePropertyName("delta"u8);
        exchange.WriteToken(json, index);
        End(sse, json);
    }

    protected override void WriteTail(SseWriter sse, EchoExchange exchange)
    {
        var json = BeginPartEvent(sse, exchange, "response.output_text.done"u8);
        json.WritePropertyName("text"u8);
        exchange.WriteFullText(json);
        End(sse, json);

        json = BeginPartEvent(sse, exchange, "response.content_part.done"u8);
        json.WritePropertyName("part"u8);
        WritePart(json, exchange, completed: true);
        End(sse, json);

        json = Begin(sse, exchange, "response.output_item.done"u8);
        json.WriteNumber("output_index"u8, 0);
        json.WritePropertyName("item"u8);
        WriteMessage(json, exchange, completed: true);
        End(sse, json);

        json = Begin(sse, exchange, "response.completed"u8);
        json.WritePropertyName("response"u8);
        WriteResponse(json, exchange, completed: true);
        End(sse, json);
    }

    private static Utf8JsonWriter Begin(SseWriter sse, EchoExchange exchange, ReadOnlySpan<byte> type)
    {
        var json = sse.BeginEvent(type);
        json.WriteStartObject();
        json.WriteString("type"u8, type);
        json.WriteNumber("sequence_number"u8, exchange.EventNumber++);
        return json;
    }

    private static Utf8JsonWriter BeginPartEvent(SseWriter sse, EchoExchange exchange, ReadOnlySpan<byte> type)
    {
        var json = Begin(sse, exchange, type);
        json.WriteString("item_id"u8, exchange.ItemId);
        json.WriteNumber("output_index"u8, 0);
        json.WriteNumber("content_index"u8, 0);
        return json;
    }

    private static void End(SseWriter sse, Utf8JsonWriter json)
    {
        json.WriteEndObject();
        sse.EndEvent();
    }

    private static void WriteResponse(Utf8JsonWriter json, EchoExchange exchange, bool completed)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, exchange.Id("resp_echo_"));
        json.WriteString("object"u8, "response"u8);
        json.WriteNumber("created_at"u8, exchange.Created);
        json.WriteString("status"u8, completed ? "completed"u8 : "in_progress"u8);
        json.WriteString("model"u8, exchange.Request.Model);
        json.WriteStartArray("output"u8);
        if (completed)
        {
            WriteMessage(json, exchange, completed: true);
        }

        json.WriteEndArray();
        if (completed)
        {
            json.WriteStartObject("usage"u8);
            json.WriteNumber("input_tokens"u8, exchange.PromptTokens);
            json.WriteNumber("output_tokens"u8, exchange.CompletionTokens);
            json.WriteNumber("total_tokens"u8, exchange.PromptTokens + exchange.CompletionTokens);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("usage"u8);
        }

        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, EchoExchange exchange, bool completed)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, exchange.ItemId);
        json.WriteString("type"u8, "message"u8);
        json.WriteString("status"u8, completed ? "completed"u8 : "in_progress"u8);
        json.WriteString("role"u8, "assistant"u8);
        json.WriteStartArray("content"u8);
        if (completed)
        {
            WritePart(json, exchange, completed: true);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter json, EchoExchange exchange, bool completed)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "output_text"u8);
        json.WritePropertyName("text"u8);
        if (completed)
        {
            exchange.WriteFullText(json);
        }
        else
        {
            json.WriteStringValue(""u8);
        }

        json.WriteStartArray("annotations"u8);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
