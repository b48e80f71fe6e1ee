namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// Request bodies of the three inference APIs; the model names of upstream's integration tests
/// (docs/differences-from-upstream.md#upstream-tests).
/// </summary>
internal static class Bodies
{
    public const string ChatPath = "/v1/chat/completions";
    public const string ResponsesPath = "/v1/responses";
    public const string MessagesPath = "/v1/messages";

    public const string OpenAiModel = "gpt-4.1-mini";
    public const string AnthropicModel = "claude-3-7-sonnet-20250219";

    public static string Chat(bool stream, string model = OpenAiModel)
        => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"say hello"}],"stream":{{Bool(stream)}}}""";

    public static string Responses(bool stream, string model = OpenAiModel)
        => $$"""{"model":"{{model}}","input":"say hello","stream":{{Bool(stream)}}}""";

    public static string Messages(bool stream, string model = AnthropicModel)
        => $$"""{"model":"{{model}}","max_tokens":64,"messages":[{"role":"user","content":"say hello"}],"stream":{{Bool(stream)}}}""";

    private static string Bool(bool value) => value ? "true" : "false";
}
