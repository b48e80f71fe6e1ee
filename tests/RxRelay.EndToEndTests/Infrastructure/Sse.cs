namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>SSE events as the mock backends send them (OpenAI chat / responses, Anthropic messages).</summary>
internal static class Sse
{
    public const string Done = "data: [DONE]\n\n";

    public static string ChatDelta(string text) => $$$"""data: {"choices":[{"index":0,"delta":{"content":"{{{text}}}"}}]}""" + "\n\n";

    public static string ResponsesDelta(string text) => $$"""data: {"type":"response.output_text.delta","id":"resp_123","delta":"{{text}}"}""" + "\n\n";

    public static string Anthropic(string name, string json) => $"event: {name}\ndata: {json}\n\n";

    /// <summary>The exact error event the proxy writes when a started stream loses its worker.</summary>
    public const string WorkerDisconnected =
        "event: error\ndata: {\"error\":{\"type\":\"worker_disconnected\",\"message\":\"worker disconnected mid-stream\"}}\n\n";
}
