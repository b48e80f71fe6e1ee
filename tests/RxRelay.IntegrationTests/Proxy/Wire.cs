using System.Text.Encodings.Web;
using System.Text.Json;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Expected wire frames, built the way upstream's tests pin them (serde escaping of quotes,
/// docs/protocol.md#framing).
/// </summary>
internal static class Wire
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Str(string value) => JsonSerializer.Serialize(value, Relaxed);

    public static string ChatBody(string model = ScriptedWorker.Model, bool? stream = null, string content = "hello") =>
        $$"""{"model":"{{model}}",{{(stream is { } s ? $"\"stream\":{(s ? "true" : "false")}," : "")}}"messages":[{"role":"user","content":"{{content}}"}]}""";

    public static string Request(string id, string body, string path = "/v1/chat/completions", bool streaming = false, string model = ScriptedWorker.Model, string headers = """{"content-type":"application/json"}""") =>
        $$"""{"type":"request","request_id":"{{id}}","model":"{{model}}","endpoint_path":"{{path}}","is_streaming":{{(streaming ? "true" : "false")}},"body":{{Str(body)}},"headers":{{headers}}}""";

    /// <summary>
    /// The request frame without the <c>x-request-id</c> header the proxy adds to every request (a random id
    /// when the client sent none), after checking it is there exactly once and well formed: what is left
    /// must equal the frame upstream would send.
    /// </summary>
    public static string WithoutRequestId(string frame)
    {
        var matches = System.Text.RegularExpressions.Regex.Matches(frame, "," + Str("x-request-id") + ":\"[0-9a-f]{32}\"");
        Assert.True(matches.Count == 1, $"expected one proxy-made x-request-id header in {frame}");
        return frame.Remove(matches[0].Index, matches[0].Length);
    }

    public static string Cancel(string id, string reason) => $$"""{"type":"cancel","request_id":"{{id}}","reason":"{{reason}}"}""";

    public static string Ack(string id, string models = "\"llama-3.1-70b\"") =>
        $$"""{"type":"register_ack","worker_id":"{{id}}","models":[{{models}}],"protocol_version":"2026-04-bridge-v1"}""";
}
