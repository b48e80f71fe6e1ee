using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>Writes JSON bodies with <see cref="Utf8JsonWriter"/>: exact field order, no reflection.</summary>
internal static class JsonResponses
{
    // Relaxed escaping keeps non-ASCII and characters like + and < as serde_json writes them.
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Answers <paramref name="status"/> with <c>application/json</c> and the object <paramref name="write"/> produces.</summary>
    public static Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            write(writer);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>Answers <paramref name="status"/> with the inference routes' error shape, <c>{"error":{"type":…,"message":…}}</c>.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message) =>
        WriteAsync(context, status, json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("type", type);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteEndObject();
        });

    /// <summary>Writes <c>"name":[…strings…]</c>.</summary>
    public static void WriteStringArray(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
