using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RxRelay.EchoBackend;
using RxRelay.IntegrationTests.FakeProxies;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>A streamed reply as the proxy received it: the chunk texts in order and the completion frame.</summary>
internal sealed record StreamedReply(IReadOnlyList<string> Chunks, string Completion)
{
    public string Text => string.Concat(Chunks);
}

/// <summary>Reading replies off the proxy's socket, and what the echo backend answers on its own.</summary>
internal static class Replies
{
    /// <summary>
    /// Reads frames up to <paramref name="id"/>'s completion; every frame must belong to <paramref name="id"/>
    /// and every chunk frame must be exactly the wire form of its text.
    /// </summary>
    public static async Task<StreamedReply> ReadStreamAsync(ProxyConnection socket, string id)
    {
        var chunks = new List<string>();
        while (true)
        {
            var frame = await socket.NextTextAsync(WorkerStack.Patience);
            var (type, requestId, chunk) = Parse(frame);
            Assert.Equal(id, requestId);
            if (type != "response_chunk")
            {
                Assert.Equal("response_complete", type);
                return new StreamedReply(chunks, frame);
            }

            Assert.Equal(Frames.Chunk(id, chunk!), frame);
            chunks.Add(chunk!);
        }
    }

    /// <summary>The frame's type, request id and (for chunks) chunk text.</summary>
    public static (string Type, string? RequestId, string? Chunk) Parse(string frame)
    {
        using var json = JsonDocument.Parse(frame);
        var root = json.RootElement;
        return (
            root.GetProperty("type").GetString()!,
            root.TryGetProperty("request_id", out var id) ? id.GetString() : null,
            root.TryGetProperty("chunk", out var chunk) ? chunk.GetString() : null);
    }

    /// <summary>
    /// What a fresh echo backend (same options, same frozen clock) answers to this request as its first:
    /// the text the worker must relay unchanged from its own fresh echo backend.
    /// </summary>
    public static async Task<string> EchoAnswerAsync(string path, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        await using var echo = await EchoBackendApp.StartAsync(WorkerStack.EchoOptions());
        using var client = new HttpClient { BaseAddress = echo.BaseAddress, Timeout = WorkerStack.Patience };
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        using var response = await client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
