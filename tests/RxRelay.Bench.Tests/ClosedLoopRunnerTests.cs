using Microsoft.AspNetCore.Http;
using RxRelay.Bench.Load;
using RxRelay.Testing.Backends;

namespace RxRelay.Bench.Tests;

/// <summary>
/// The harness counts every failed request, which is what makes it exit non-zero. Real Kestrel on
/// loopback and real time, bounded: each cell runs for half a second.
/// </summary>
[Collection(RealTimeWindows.Name)]
public sealed class ClosedLoopRunnerTests
{
    // Real time: long enough that a loop started late on a loaded box (thread pool, JIT) still sends in it.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task EveryNonOkAnswer_IsAnError_AndEveryOkAnswerCompletes()
    {
        int total = 0, ok = 0, unavailable = 0;
        await using var server = await StartWarmAsync(async context =>
        {
            // The first answer of every three is the failure, so even a run slowed down to a single
            // request inside the window (a loaded box, a cold JIT) sees one.
            if (Interlocked.Increment(ref total) % 3 == 1)
            {
                Interlocked.Increment(ref unavailable);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("no workers available\n");
                return;
            }

            Interlocked.Increment(ref ok);
            await context.Response.WriteAsync("""{"ok":true}""");
        });
        using var http = new HttpClient();

        var cell = await new ClosedLoopRunner(http).RunAsync(
            ChatEndpoint(server), Workload.Chat, "echo", concurrency: 1, warmup: TimeSpan.Zero, duration: Window, expectedChunks: 0, CancellationToken.None);

        Assert.True(unavailable > 0);
        Assert.Equal(unavailable, cell.Errors);
        Assert.Equal(ok, cell.CompletedIncludingWarmup);
        Assert.StartsWith("HTTP 503: no workers available", cell.ErrorSamples[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedStream_IsAnError_NeverACompletedRequest()
    {
        var answered = 0;
        await using var server = await StartWarmAsync(async context =>
        {
            Interlocked.Increment(ref answered);
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
        });
        using var http = new HttpClient();

        var cell = await new ClosedLoopRunner(http).RunAsync(
            ChatEndpoint(server), Workload.Stream200, "echo", concurrency: 2, warmup: TimeSpan.Zero, duration: Window, expectedChunks: 3, CancellationToken.None);

        Assert.True(answered > 0);
        Assert.Equal(answered, cell.Errors);
        Assert.Equal(0, cell.CompletedIncludingWarmup);
        Assert.Equal("stream had 2 data lines, expected 3", cell.ErrorSamples[0]);
    }

    [Fact]
    public async Task CompleteStream_IsCountedWithItsChunks()
    {
        await using var server = await StartWarmAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
        });
        using var http = new HttpClient();

        var cell = await new ClosedLoopRunner(http).RunAsync(
            ChatEndpoint(server), Workload.Stream200, "echo", concurrency: 1, warmup: TimeSpan.Zero, duration: Window, expectedChunks: 2, CancellationToken.None);

        Assert.Equal(0, cell.Errors);
        Assert.True(cell.Requests > 0);
        Assert.Equal(2L * cell.Requests, cell.Chunks);
    }

    private static Uri ChatEndpoint(ScriptedBackend server) => new(server.BaseAddress, "/v1/chat/completions");

    // One request before the script is installed: the window must not be spent on the
    // server's first-request start-up (JIT) on a loaded box, and the script's counters see only the cell.
    private static async Task<ScriptedBackend> StartWarmAsync(Func<BackendCall, Task> script)
    {
        var server = await ScriptedBackend.StartAsync(call => call.RespondAsync(204, ""));
        using var http = new HttpClient();
        using var warm = await http.GetAsync(server.BaseAddress);
        server.Handler = script;
        return server;
    }
}
