using System.Globalization;
using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// What one inference request asks the echo backend for: the model, streaming or not, the prompt's
/// words and how many tokens to emit at what pace.
/// </summary>
internal sealed class EchoRequest
{
    private const string TokensHeader = "x-echo-tokens";
    private const string DelayHeader = "x-echo-delay-ms";

    private static readonly string[] FallbackWords = ["echo"];

    private EchoRequest(string model, string[] words)
    {
        Model = model;
        Words = words;
    }

    /// <summary>The <c>model</c> field, echoed back as given.</summary>
    public string Model { get; }

    /// <summary>The prompt's whitespace-separated words (may be empty).</summary>
    public string[] Words { get; }

    /// <summary>True when the body had <c>"stream": true</c>.</summary>
    public bool Stream { get; private init; }

    /// <summary>Chat Completions <c>stream_options.include_usage</c>: add a usage chunk before <c>[DONE]</c>.</summary>
    public bool IncludeUsage { get; private init; }

    /// <summary>How many tokens to emit.</summary>
    public int TokenCount { get; private init; }

    /// <summary>True when <c>max_tokens</c> cut the count short (finish reason "length" / "max_tokens").</summary>
    public bool HitTokenLimit { get; private init; }

    /// <summary>Delay before each token.</summary>
    public TimeSpan TokenDelay { get; private init; }

    /// <summary>Token <paramref name="index"/>'s text: the prompt's words in turn, cycling, each followed by a space.</summary>
    public string TokenWord(int index)
    {
        var words = Words.Length > 0 ? Words : FallbackWords;
        return words[index % words.Length];
    }

    /// <summary>Reads the request, or returns the message for a 400 answer.</summary>
    public static async ValueTask<(EchoRequest? Request, string? Error)> ReadAsync(HttpRequest http, EchoApi api, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            return (null, "request body is not valid JSON");
        }

        using (document)
        {
            return FromJson(document.RootElement, http.Headers, api);
        }
    }

    private static (EchoRequest?, string?) FromJson(JsonElement root, IHeaderDictionary headers, EchoApi api)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "request body must be a JSON object");
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString()!.Length == 0)
        {
            return (null, "'model' is required and must be a non-empty string");
        }

        var words = EchoPrompt.LastUserText(root, api).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        string? error = null;
        var requested = Count(headers, TokensHeader, root, "echo_tokens", ref error) ?? Math.Max(1, words.Length);
        var delayMs = Count(headers, DelayHeader, root, "echo_delay_ms", ref error) ?? 0;
        var limit = Count(null, null, root, LimitField(api, root), ref error);
        if (error is not null)
        {
            return (null, error);
        }

        return (new EchoRequest(model.GetString()!, words)
        {
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            IncludeUsage = api == EchoApi.ChatCompletions
                && root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
                && streamOptions.TryGetProperty("include_usage", out var includeUsage) && includeUsage.ValueKind == JsonValueKind.True,
            TokenCount = limit is { } cap ? Math.Min(cap, requested) : requested,
            HitTokenLimit = limit < requested,
            TokenDelay = TimeSpan.FromMilliseconds(delayMs),
        }, null);
    }

    // Each API names its output cap differently; max_tokens is read as a fallback everywhere.
    private static string LimitField(EchoApi api, JsonElement root) => api switch
    {
        EchoApi.ChatCompletions when root.TryGetProperty("max_completion_tokens", out _) => "max_completion_tokens",
        EchoApi.Responses when root.TryGetProperty("max_output_tokens", out _) => "max_output_tokens",
        _ => "max_tokens",
    };

    // A non-negative integer from the header (which wins) or the body field; null when neither is present.
    private static int? Count(IHeaderDictionary? headers, string? header, JsonElement root, string field, ref string? error)
    {
        if (headers is not null && header is not null && headers.TryGetValue(header, out var headerValue))
        {
            if (int.TryParse(headerValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var fromHeader))
            {
                return fromHeader;
            }

            error ??= $"header '{header}' must be a non-negative integer";
            return null;
        }

        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var fromBody) && fromBody >= 0)
        {
            return fromBody;
        }

        error ??= $"'{field}' must be a non-negative integer";
        return null;
    }
}
