using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>400 answers in each API's error shape.</summary>
internal static class EchoErrors
{
    /// <summary>
    /// OpenAI: <c>{"error":{"type":"invalid_request_error","message":…}}</c>; Anthropic:
    /// <c>{"type":"error","error":{"type":"invalid_request_error","message":…}}</c>.
    /// </summary>
    public static async Task WriteBadRequestAsync(HttpResponse response, EchoApi api, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter, SseWriter.JsonOptions))
        {
            json.WriteStartObject();
            if (api == EchoApi.AnthropicMessages)
            {
                json.WriteString("type"u8, "error"u8);
            }

            json.WriteStartObject("error"u8);
            json.WriteString("type"u8, "invalid_request_error"u8);
            json.WriteString("message"u8, message);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }
}
