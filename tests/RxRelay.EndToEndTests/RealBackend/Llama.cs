namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>What the kit's tiny model says and how requests to it are written.</summary>
internal static class Llama
{
    /// <summary>The id llama-server reports for its model (<c>--alias</c>), whatever a request names.</summary>
    public const string Model = "tiny-bigram";

    /// <summary>The model's whole answer to anything: 24 tokens, then end of sequence.</summary>
    public const string Reply = "Hello from the tiny test model. It always answers with these same words, so relay tests can compare every token exactly!";

    /// <summary>The visible tokens of <see cref="Reply"/>; with <c>ignore_eos</c> the reply repeats every this many tokens.</summary>
    public const int ReplyTokens = 24;

    /// <summary><see cref="Reply"/>'s first ten tokens.</summary>
    public const string FirstTenTokens = "Hello from the tiny test model. It always answers";

    /// <summary>The chat template's tokens for <see cref="Prompt"/> (measured; fixed by the model's tokenizer).</summary>
    public const int PromptTokens = 31;

    /// <summary>Slots every server in the suite runs with, and the worker's matching concurrency.</summary>
    public const int Slots = 4;

    public const string Prompt = "hi";

    /// <summary>A chat request; <paramref name="extra"/> is appended to the object as written (<c>,"max_tokens":10</c>).</summary>
    public static string Chat(bool stream, string extra = "")
        => $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"{{Prompt}}"}],"stream":{{(stream ? "true" : "false")}}{{extra}}}""";

    /// <summary>A streamed chat request that asks for the usage chunk.</summary>
    public static string StreamWithUsage(string extra = "") => Chat(stream: true, ""","stream_options":{"include_usage":true}""" + extra);

    /// <summary>Exactly <paramref name="tokens"/> tokens of the repeating reply (a multiple of <see cref="ReplyTokens"/>).</summary>
    public static string Repeated(int tokens) => string.Concat(Enumerable.Repeat(Reply, tokens / ReplyTokens));

    /// <summary>A request that streams <paramref name="tokens"/> tokens without stopping at the end of the reply.</summary>
    public static string Endless(int tokens) => StreamWithUsage($$""","max_tokens":{{tokens}},"ignore_eos":true""");
}
