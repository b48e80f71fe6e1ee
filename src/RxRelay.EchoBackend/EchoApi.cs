namespace RxRelay.EchoBackend;

/// <summary>The three inference dialects the echo backend speaks.</summary>
internal enum EchoApi
{
    /// <summary><c>POST /v1/chat/completions</c> (OpenAI Chat Completions).</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/responses</c> (OpenAI Responses).</summary>
    Responses,

    /// <summary><c>POST /v1/messages</c> (Anthropic Messages).</summary>
    AnthropicMessages,
}
