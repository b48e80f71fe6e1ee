using System.Text;
using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>Finds the text of the last user message in each API's request shape.</summary>
internal static class EchoPrompt
{
    /// <summary>The last user message's text, or empty when there is none.</summary>
    public static string LastUserText(JsonElement root, EchoApi api)
    {
        if (api == EchoApi.Responses && root.TryGetProperty("input", out var input))
        {
            // Responses accepts a bare string as the whole input.
            return input.ValueKind == JsonValueKind.String ? input.GetString()! : LastUserMessage(input);
        }

        return root.TryGetProperty("messages", out var messages) ? LastUserMessage(messages) : string.Empty;
    }

    private static string LastUserMessage(JsonElement items)
    {
        if (items.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = string.Empty;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty("role", out var role)
                && role.ValueKind == JsonValueKind.String
                && role.ValueEquals("user"u8)
                && item.TryGetProperty("content", out var content))
            {
                text = ContentText(content);
            }
        }

        return text;
    }

    // Content is a string or a list of parts; text parts are "text" (chat, Anthropic) or
    // "input_text" (Responses). Images, tool results and the like carry no words to echo.
    private static string ContentText(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type", out var type)
                && (type.ValueEquals("text"u8) || type.ValueEquals("input_text"u8))
                && part.TryGetProperty("text", out var partText)
                && partText.ValueKind == JsonValueKind.String)
            {
                text.Append(text.Length > 0 ? " " : string.Empty).Append(partText.GetString());
            }
        }

        return text.ToString();
    }
}
