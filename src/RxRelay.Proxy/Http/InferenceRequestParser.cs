using System.Text;
using System.Text.Json;

namespace RxRelay.Proxy.Http;

/// <summary>
/// Reads the only two fields the proxy looks at (docs/protocol.md#http-processing-order, step 5): <c>model</c> (string, required)
/// and <c>stream</c> (bool, optional, default false). Other fields are skipped. Like serde, a duplicate
/// of either field, a <c>null</c> stream, a non-object or trailing garbage is an error.
/// </summary>
internal static class InferenceRequestParser
{
    /// <summary>The two fields, or null when the body does not qualify (answer 400 with an empty body).</summary>
    public static (string Model, bool Stream)? Parse(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            return ReadObject(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static (string, bool)? ReadObject(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? model = null;
        bool? stream = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isModel = reader.ValueTextEquals("model"u8);
            var isStream = !isModel && reader.ValueTextEquals("stream"u8);
            reader.Read();
            if (isModel)
            {
                if (model is not null || reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }

                model = reader.GetString();
            }
            else if (isStream)
            {
                if (stream is not null || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return null;
                }

                stream = reader.GetBoolean();
            }
            else
            {
                reader.Skip();
            }
        }

        // Reaching here the object closed (reader.Read() throws on malformed input); nothing may follow it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return null;
        }

        return model is null ? null : (model, stream ?? false);
    }
}
