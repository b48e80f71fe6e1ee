using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>Streams under awkward conditions: split characters, compression, resets, a slow proxy.</summary>
public sealed class RelayStreamingTests
{
    /// <summary>
    /// How long the backend must make no progress before the slow-outbound test calls it stalled. Proving
    /// that the relay does <em>not</em> read ahead needs a bounded "nothing happens" window: there is no
    /// event for a read that never comes. The window starts at the backend's last successful write (not at
    /// a fixed moment), so a relay that reads ahead keeps resetting it until the backend has written
    /// everything, and a correct relay passes however long the box takes to fill the socket buffers.
    /// 1 s is at least the old blind sleep's chance for a read-ahead to show.
    /// </summary>
    private static readonly TimeSpan BackendStallWindow = TimeSpan.FromSeconds(1);

    private static async Task WriteBytesAsync(HttpResponse response, byte[] bytes)
    {
        await response.Body.WriteAsync(bytes);
        await response.Body.FlushAsync();
    }

    [Fact]
    public async Task Start_MultiByteCharactersSplitAcrossReads_ArriveIntactInNextChunk()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bytes = Encoding.UTF8.GetBytes("caf\u00e9 \U0001F642!");  // é = 2 bytes, 🙂 = 4 bytes
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await WriteBytesAsync(context.Response, bytes[..4]);   // "caf" + first byte of é
            await firstSeen.Task;
            await WriteBytesAsync(context.Response, bytes[4..8]);  // rest of é, " ", first 2 bytes of 🙂
            await secondSeen.Task;
            await WriteBytesAsync(context.Response, bytes[8..]);   // last 2 bytes of 🙂, "!"
        });
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", streaming: true));
        await sut.Outbound.WaitUntilAsync(o => o.Chunks("request-1").Count == 1);
        firstSeen.SetResult();
        await sut.Outbound.WaitUntilAsync(o => o.Chunks("request-1").Count == 2);
        secondSeen.SetResult();
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(["caf", "\u00e9 ", "\U0001F642!"], sut.Outbound.Chunks("request-1"));
        Assert.DoesNotContain(sut.Outbound.Chunks("request-1"), chunk => chunk.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal((200, ""), (completion.StatusCode, completion.Body));
    }

    [Fact]
    public async Task Start_GzipBackendNonStreaming_DecompressedWithoutContentEncoding()
    {
        const string text = """{"id":"chatcmpl-1","choices":[{"message":{"content":"h\u00e9llo"}}]}""";
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(text));
            await gzip.DisposeAsync();
        });
        await using var sut = RelaySut.Create(backend.Url);
        var headers = new Dictionary<string, string> { ["content-type"] = "application/json", ["accept-encoding"] = "identity" };

        sut.Session.Start(RelaySut.Request("request-1", headers: headers));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal("gzip, deflate, br", Assert.Single(backend.Calls).Headers["accept-encoding"]);
        Assert.Equal((200, text), (completion.StatusCode, completion.Body));
        Assert.Equal(["content-type", "date"], completion.Headers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_GzipBackendStreaming_DecompressedChunksWithoutContentEncoding()
    {
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.ContentEncoding = "gzip";
            var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            foreach (var item in ReferenceBackend.ResponsesEvents)
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes(item));
                await gzip.FlushAsync();
            }

            await gzip.DisposeAsync();
        });
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", streaming: true));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(string.Concat(ReferenceBackend.ResponsesEvents), sut.Outbound.ChunkText("request-1"));
        Assert.Equal((200, ""), (completion.StatusCode, completion.Body));
        Assert.Equal(["content-type", "date"], completion.Headers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_BackendResetsMidStream_502AfterChunksAlreadySent()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await WriteBytesAsync(context.Response, Encoding.UTF8.GetBytes(ReferenceBackend.ResponsesEvents[0]));
            await firstSeen.Task;
            context.Abort();
        });
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", streaming: true));
        await sut.Outbound.WaitUntilAsync(o => o.Chunks("request-1").Count == 1);
        firstSeen.SetResult();
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal([ReferenceBackend.ResponsesEvents[0]], sut.Outbound.Chunks("request-1"));
        FrameText.AssertEqual(RelayErrors.BackendError("request-1"), completion);
        Assert.Equal("""{"error":{"type":"backend_error","message":"the backend response was interrupted"}}""", completion.Body);
        Assert.IsType<Protocol.Messages.ResponseComplete>(sut.Outbound.Messages[^1]);
    }

    [Fact]
    public async Task Start_SlowOutbound_BackendNotReadAheadBeyondOneBuffer()
    {
        const int total = 32 * 1024 * 1024;
        long written = 0;
        using var progressed = new SemaphoreSlim(0);
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            var block = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
            for (var sent = 0; sent < total; sent += block.Length)
            {
                await context.Response.Body.WriteAsync(block);
                Interlocked.Add(ref written, block.Length);
                progressed.Release();
            }
        });
        var outbound = new RecordingOutbound { DiscardChunkText = true };
        await using var sut = RelaySut.Create(backend.Url, outbound: outbound);

        outbound.Hold();
        sut.Session.Start(RelaySut.Request("request-1", streaming: true));
        await outbound.WaitUntilAsync(o => o.Attempts == 1);
        // Watch the backend instead of sleeping: with the first send held, a relay that does not read ahead
        // leaves the backend blocked in a write once the socket buffers are full; one that reads ahead lets
        // it write all 32 MiB. Either way this returns, bounded by WaitLimit overall.
        using (var limit = new CancellationTokenSource(RecordingOutbound.WaitLimit))
        {
            while (Interlocked.Read(ref written) < total && await progressed.WaitAsync(BackendStallWindow, limit.Token))
            {
            }
        }

        Assert.Equal(1, outbound.Attempts);
        Assert.True(Interlocked.Read(ref written) < total, $"backend wrote {Interlocked.Read(ref written)} of {total} bytes");
        outbound.Release();
        var completion = await outbound.WaitForCompletionAsync("request-1");
        Assert.Equal((200, (long)total), (completion.StatusCode, outbound.ChunkChars));
        Assert.InRange(outbound.MaxChunkChars, 1, StreamingResponseRelay.BufferSize);
    }
}
