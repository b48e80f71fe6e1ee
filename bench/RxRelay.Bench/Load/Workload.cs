using System.Text;

namespace RxRelay.Bench.Load;

/// <summary>One request shape sent in a closed loop: a small chat completion, streamed or not.</summary>
internal sealed record Workload(string Name, bool Streaming, int StreamTokens)
{
    /// <summary>
    /// The same small prompt upstream's load scripts use (docs/benchmarks.md#what-is-measured).
    /// </summary>
    private const string Prompt = "Say hello in exactly three words.";

    /// <summary>Non-streaming chat completion, small body.</summary>
    public static Workload Chat { get; } = new("chat", Streaming: false, StreamTokens: 0);

    /// <summary>Streaming chat completion of 200 tokens (202 SSE data lines from the echo backend: role, 200 tokens, finish).</summary>
    public static Workload Stream200 { get; } = new("stream200", Streaming: true, StreamTokens: 200);

    /// <summary>The UTF-8 JSON body for <paramref name="model"/>.</summary>
    public byte[] Body(string model) => Encoding.UTF8.GetBytes(Streaming
        ? $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"{{Prompt}}"}]}"""
        : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{Prompt}}"}]}""");

    /// <summary>
    /// Builds one request. The token count goes in the <c>x-echo-tokens</c> header, which the proxy
    /// forwards to the worker and the worker to the backend, so all three paths ask the same thing.
    /// </summary>
    public HttpRequestMessage CreateRequest(Uri endpoint, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/json");
        if (Streaming)
        {
            request.Headers.TryAddWithoutValidation("x-echo-tokens", StreamTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return request;
    }
}
