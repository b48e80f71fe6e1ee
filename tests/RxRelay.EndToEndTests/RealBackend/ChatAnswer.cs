using System.Text;
using System.Text.Json;

namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>
/// An OpenAI chat answer as the client got it, reduced to what the tiny model makes exact: the text, the
/// finish reasons and the token counts. Parsing is strict: a malformed event fails the test.
/// </summary>
internal sealed record ChatAnswer(string Content, string FinishReasons, Usage? Usage, int ContentChunks)
{
    public static ChatAnswer FromJson(string body)
    {
        using var document = JsonDocument.Parse(body);
        var choice = document.RootElement.GetProperty("choices").EnumerateArray().Single();
        return new ChatAnswer(
            choice.GetProperty("message").GetProperty("content").GetString()!,
            choice.GetProperty("finish_reason").GetString()!,
            Usage.From(document.RootElement),
            ContentChunks: 0);
    }

    /// <summary>
    /// A whole SSE body: <c>data: {json}</c> events, each followed by a blank line, ending with <c>data: [DONE]</c>.
    /// </summary>
    public static ChatAnswer FromStream(string text)
    {
        Assert.EndsWith("\n\ndata: [DONE]\n\n", text, StringComparison.Ordinal);
        var content = new StringBuilder();
        var finishes = new List<string>();
        Usage? usage = null;
        var chunks = 0;
        foreach (var ev in text[..^"data: [DONE]\n\n".Length].Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("data: {", ev, StringComparison.Ordinal);
            using var chunk = JsonDocument.Parse(ev["data: ".Length..]);
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var piece) && piece.ValueKind == JsonValueKind.String)
                {
                    content.Append(piece.GetString());
                    chunks++;
                }

                if (choice.GetProperty("finish_reason").GetString() is { } finish)
                {
                    finishes.Add(finish);
                }
            }

            usage = Usage.From(chunk.RootElement) ?? usage;
        }

        return new ChatAnswer(content.ToString(), string.Join(',', finishes), usage, chunks);
    }
}

/// <summary>The token counts of an answer's <c>usage</c>.</summary>
internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static Usage? From(JsonElement answer)
        => answer.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            ? new Usage(usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32())
            : null;

    /// <summary>What the tiny model's answer to <see cref="Llama.Prompt"/> counts when it makes <paramref name="completion"/> tokens.</summary>
    public static Usage ForPrompt(int completion) => new(Llama.PromptTokens, completion, Llama.PromptTokens + completion);
}
