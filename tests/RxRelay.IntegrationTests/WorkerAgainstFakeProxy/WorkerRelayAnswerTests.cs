using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>Answers from real backends reach the proxy exactly: status, headers, body, chunks.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayAnswerTests
{
    private const string ChatBody = """{"model":"echo-model","messages":[{"role":"user","content":"hello relay world"}]}""";

    private static readonly Dictionary<string, string> PacedTokens = Frames.Headers(("x-echo-delay-ms", "10"), ("x-echo-tokens", "5"));

    [Fact]
    public async Task NonStreamingChat_EchoBackend_OneCompletionWithTheEchoBodyAndNoFramingHeaders()
    {
        var expectedBody = await Replies.EchoAnswerAsync("/v1/chat/completions", ChatBody);
        await using var stack = await WorkerStack.StartEchoAsync();

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));

        var expected = Frames.Complete("request-1", 200, Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate)), expectedBody);
        Assert.Equal(expected, Frames.WithoutDate(await stack.NextFrameAsync()));
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"echo-model","messages":[{"role":"user","content":"hello relay world"}],"stream":true}""")]
    [InlineData("/v1/responses", """{"model":"echo-model","input":"hello relay world","stream":true}""")]
    [InlineData("/v1/messages", """{"model":"echo-model","max_tokens":64,"messages":[{"role":"user","content":"hello relay world"}],"stream":true}""")]
    public async Task StreamingRequest_EchoBackend_ChunksConcatenateToTheEchoSseThenEmptyCompletion(string path, string body)
    {
        var expectedText = await Replies.EchoAnswerAsync(path, body, PacedTokens);
        await using var stack = await WorkerStack.StartEchoAsync();

        await stack.SendAsync(Frames.Request("request-1", path, true, body, headers: PacedTokens));
        var reply = await Replies.ReadStreamAsync(stack.Socket, "request-1");

        Assert.Equal(expectedText, reply.Text);
        Assert.True(reply.Chunks.Count > 1, $"one chunk per backend read, got {reply.Chunks.Count}");
        var headers = Frames.Headers(("cache-control", "no-cache"), ("content-type", "text/event-stream"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, ""), Frames.WithoutDate(reply.Completion));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Backend429_StatusRetryAfterAndBodyPassThroughAsOneCompletion(bool streaming)
    {
        const string error = """{"error":{"type":"rate_limit_error","message":"slow down"}}""";
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.StatusCode = 429;
            call.Response.Headers.RetryAfter = "17";
            call.Response.ContentType = "application/json";
            call.Response.ContentLength = error.Length;
            await call.Response.WriteAsync(error);
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", streaming, ChatBody));

        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate), ("retry-after", "17"));
        Assert.Equal(Frames.Complete("request-1", 429, headers, error), Frames.WithoutDate(await stack.NextFrameAsync()));
    }

    [Fact]
    public async Task StreamingRequest_CharacterSplitAcrossBackendReads_ArrivesWhole()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            var bytes = "café au lait"u8.ToArray();
            var split = "caf"u8.Length + 1; // after the first byte of é (C3 A9)
            call.Response.ContentType = "text/plain; charset=utf-8";
            await call.Response.Body.WriteAsync(bytes.AsMemory(0, split));
            await call.Response.Body.FlushAsync();
            await Task.Delay(50);
            await call.Response.Body.WriteAsync(bytes.AsMemory(split));
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, ChatBody));
        var reply = await Replies.ReadStreamAsync(stack.Socket, "request-1");

        Assert.Equal(["caf", "é au lait"], reply.Chunks);
        var headers = Frames.Headers(("content-type", "text/plain; charset=utf-8"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, ""), Frames.WithoutDate(reply.Completion));
    }

    [Fact]
    public async Task NonStreamingRequest_GzipBackend_DecompressedBodyWithoutContentEncoding()
    {
        const string answer = """{"id":"gz-1","text":"squeezed and restored"}""";
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            var compressed = Gzip.Compress(answer);
            call.Response.ContentType = "application/json";
            call.Response.Headers.ContentEncoding = "gzip";
            call.Response.ContentLength = compressed.Length;
            await call.Response.Body.WriteAsync(compressed);
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));

        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, answer), Frames.WithoutDate(await stack.NextFrameAsync()));
    }

    [Fact]
    public async Task StreamingRequest_GzipBackend_DecompressedChunksWithoutContentEncoding()
    {
        const string first = "data: {\"delta\":\"squeezed\"}\n\n";
        const string second = "data: [DONE]\n\n";
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "text/event-stream";
            call.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new System.IO.Compression.GZipStream(call.Response.Body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(first));
            await gzip.FlushAsync();
            await Task.Delay(50);
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(second));
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, ChatBody));
        var reply = await Replies.ReadStreamAsync(stack.Socket, "request-1");

        Assert.Equal(first + second, reply.Text);
        var headers = Frames.Headers(("content-type", "text/event-stream"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, ""), Frames.WithoutDate(reply.Completion));
    }
    [Fact]
    public async Task NonStreamingRequest_OneMebibyteBody_ArrivesWholeInOneCompletion()
    {
        var answer = "{\"text\":\"" + new string('x', 1024 * 1024) + "\"}";
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync(answer);
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));

        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, answer), Frames.WithoutDate(await stack.NextFrameAsync()));
    }

    [Fact]
    public async Task StreamingRequest_LargeBackendWrite_ChunksOfAtMost16KiBConcatenateToIt()
    {
        var text = string.Concat(Enumerable.Range(0, 4000).Select(i => $"data: {{\"n\":{i},\"t\":\"é\"}}\n\n"));
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "text/event-stream";
            await call.Response.WriteAsync(text);
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, ChatBody));
        var reply = await Replies.ReadStreamAsync(stack.Socket, "request-1");

        Assert.Equal(text, reply.Text);
        Assert.All(reply.Chunks, chunk => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(chunk), 1, 16 * 1024));
    }
    [Fact]
    public async Task NonStreamingRequest_RepeatedResponseHeaders_CombinedIntoOneValue()
    {
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            call.Response.Headers.Append("set-cookie", "a=1");
            call.Response.Headers.Append("set-cookie", "b=2");
            call.Response.Headers.Append("x-backend-trace", "t-1");
            await call.Response.WriteAsync("{}");
        });

        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));

        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate), ("set-cookie", "a=1, b=2"), ("x-backend-trace", "t-1"));
        Assert.Equal(Frames.Complete("request-1", 200, headers, "{}"), Frames.WithoutDate(await stack.NextFrameAsync()));
    }
}
