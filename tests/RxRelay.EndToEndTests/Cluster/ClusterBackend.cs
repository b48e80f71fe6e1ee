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
        if (!IsStreaming(call.Body))
        {
            await call.RespondAsync(200, Json(call.Path, call.Body), ("content-type", "application/json"));
            return;
        }

        await call.StartStreamAsync();
        foreach (var piece in StreamPieces(call.Path, call.Body))
        {
            await call.WriteChunkAsync(piece);
        }
    }

    /// <summary>Streams answer their first event and then hold until released or aborted; the rest is answered.</summary>
    public static async Task HoldStreamsAsync(BackendCall call)
    {
        if (!IsStreaming(call.Body))
        {
            await AnswerAsync(call);
            return;
        }

        await call.StartStreamAsync();
        await call.WriteChunkAsync(StreamPieces(call.Path, call.Body)[0]);
        await call.HoldAsync();
    }

    /// <summary>The whole body a client gets for <paramref name="request"/> when all goes well.</summary>
    public static string Expected(ClusterRequest request) =>
        request.Stream ? string.Concat(StreamPieces(request.Path, request.Body)) : Json(request.Path, request.Body);

    /// <summary>The first event of the stream <paramref name="request"/> gets.</summary>
    public static string FirstPiece(ClusterRequest request) => StreamPieces(request.Path, request.Body)[0];

    /// <summary>The events of a streamed answer, in order.</summary>
    public static IReadOnlyList<string> StreamPieces(string path, string body)
    {
        var digest = Digest(body);
        var end = path == Bodies.MessagesPath ? Sse.Anthropic("message_stop", """{"type":"message_stop"}""") : Sse.Done;
        return [Piece(path, digest, 1), Piece(path, digest, 2), Piece(path, digest, 3), end];
    }

    public static bool IsStreaming(string body) => body.Contains("\"stream\":true", StringComparison.Ordinal);

    private static string Json(string path, string body) => $$"""{"path":"{{path}}","digest":"{{Digest(body)}}"}""";

    private static string Piece(string path, string digest, int index) =>
        path == Bodies.MessagesPath
            ? Sse.Anthropic("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{digest}}}-{{{index}}}"}}""")
            : Sse.ChatDelta($"{digest}-{index}");

    private static string Digest(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..12];
}
