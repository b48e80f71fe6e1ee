using System.Globalization;
using System.Text;

namespace RxRelay.Bench.Streams;

/// <summary>
/// The bytes of one streaming chat request, written by hand: the streams cell sends them on a raw
/// socket, one connection per stream, so the load generator does no HTTP client work per request.
/// </summary>
internal static class StreamRequest
{
    /// <summary>
    /// <c>POST /v1/chat/completions</c> with <c>"stream":true</c>, <c>x-echo-tokens</c> and <c>x-echo-delay-ms</c>
    /// (forwarded by YARP and by the proxy and worker, so every path asks the backend the same thing), and
    /// <c>Connection: close</c>, so the server closes first and its side, not the generator's, holds TIME_WAIT.
    /// </summary>
    public static byte[] Build(Uri baseAddress, string model, int tokens, int delayMs)
    {
        var body = $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"Say hello in exactly three words."}]}""";
        var head = string.Create(CultureInfo.InvariantCulture, $"""
            POST /v1/chat/completions HTTP/1.1
            Host: {baseAddress.Authority}
            Content-Type: application/json
            Accept: text/event-stream
            x-echo-tokens: {tokens}
            x-echo-delay-ms: {delayMs}
            Connection: close
            Content-Length: {Encoding.UTF8.GetByteCount(body)}


            """).ReplaceLineEndings("\r\n");
        return Encoding.UTF8.GetBytes(head + body);
    }
}
