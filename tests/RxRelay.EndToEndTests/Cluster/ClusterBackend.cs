using System.Security.Cryptography;
using System.Text;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// The scripted backend behind every cluster worker. Its answers are a pure function of the request's path
/// and body (a digest of the body in each piece), so the same request gives the same bytes on every route
/// and a mixed-up or duplicated piece shows: JSON for a non-streaming call, three SSE events and the
/// API's end marker for a streaming one.
/// </summary>
internal static class ClusterBackend
{
    private static readonly ScriptedBackendOptions Options = new() { Models = ClusterRig.Models };

    public static async Task<ScriptedBackend> StartAsync()
    {
        var backend = await ScriptedBackend.StartAsync(options: Options);
        backend.Handler = AnswerAsync;
        return backend;
    }

    /// <summary>The deterministic answer.</summary>
    public static async Task AnswerAsync(BackendCall call)
    {
        if (!IsStreaming(call))
        {
            await call.RespondAsync(200, $$"""{"path":"{{call.Path}}","digest":"{{Digest(call.Body)}}"}""", ("content-type", "application/json"));
            return;
        }

        await call.StartStreamAsync();
        foreach (var piece in StreamPieces(call))
        {
            await call.WriteChunkAsync(piece);
        }
    }

    /// <summary>The events of a streamed answer, in order.</summary>
    public static IReadOnlyList<string> StreamPieces(BackendCall call)
    {
        var digest = Digest(call.Body);
        var end = call.Path == Bodies.MessagesPath ? Sse.Anthropic("message_stop", """{"type":"message_stop"}""") : Sse.Done;
        return [Piece(call.Path, digest, 1), Piece(call.Path, digest, 2), Piece(call.Path, digest, 3), end];
    }

    /// <summary>The first event of a stream (what a held stream has sent).</summary>
    public static string FirstPiece(BackendCall call) => StreamPieces(call)[0];

    public static bool IsStreaming(BackendCall call) => call.Body.Contains("\"stream\":true", StringComparison.Ordinal);

    private static string Piece(string path, string digest, int index) =>
        path == Bodies.MessagesPath
            ? Sse.Anthropic("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{digest}}}-{{{index}}}"}}""")
            : Sse.ChatDelta($"{digest}-{index}");

    private static string Digest(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..12];
}
