using System.Net;
using RxRelay.Bench.Streams;
using RxRelay.Testing.Backends;

namespace RxRelay.Bench.Tests.Streams;

/// <summary>
/// The streams cell's accounting against a real Kestrel server on loopback: N streams of K events give exactly N×K
/// events, all N open at once; a short or cut stream is an error, never a completion. Real time, bounded by the
/// cell's own deadline.
/// </summary>
[Collection(RealTimeWindows.Name)]
public sealed class StreamLoadTests
{
    private const int Streams = 40;
    private const int Tokens = 5;

    // Role-less echo of the shape: K token events, then [DONE]; K + 1 events per stream.
    private const int EventsPerStream = Tokens + 1;

    private static readonly TimeSpan StreamTime = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task RunAsync_CompleteStreams_DeliverExactlyNTimesKEvents_AllOpenAtOnce()
    {
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        await using var server = await ScriptedBackend.StartAsync(async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync("data: {\"n\":0}\n\n");
            if (Interlocked.Increment(ref arrived) == Streams)
            {
                allArrived.TrySetResult();
            }

            // Every stream stays open until all of them are: the peak-open count must then be exactly N.
            await call.HoldAsync(allArrived.Task);
            for (var i = 1; i < Tokens; i++)
            {
                await call.WriteChunkAsync($"data: {{\"n\":{i}}}\n\n");
            }

            await call.WriteChunkAsync("data: [DONE]\n\n");
        });

        var result = await RunAsync(server);

        Assert.Equal((Streams, 0, Streams * EventsPerStream, Streams), (result.Completed, result.Errors, result.Events, result.PeakOpen));
        Assert.Equal((long)Streams * EventsPerStream, result.ExpectedEvents);
        Assert.Equal((Streams, Streams), (result.TtfbMs.Length, result.DurationMs.Length));
    }

    [Fact]
    public async Task RunAsync_ShortStreams_AreErrors_WithTheirEventsCounted()
    {
        await using var server = await ScriptedBackend.StartAsync(async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync("data: {\"n\":0}\n\ndata: {\"n\":1}\n\ndata: [DONE]\n\n");
        });

        var result = await RunAsync(server);

        Assert.Equal((0, Streams, Streams * 3L), (result.Completed, result.Errors, result.Events));
        Assert.Equal(["stream had 3 events, expected 6"], result.ErrorSamples);
        Assert.Empty(result.TtfbMs);
    }

    [Fact]
    public async Task RunAsync_StreamsCutMidBody_AreErrors_NeverCompletions()
    {
        await using var server = await ScriptedBackend.StartAsync(async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync("data: {\"n\":0}\n\ndata: {\"n\":1}\n\n");
            call.Abort();
        });

        var result = await RunAsync(server);

        Assert.Equal((0, Streams), (result.Completed, result.Errors));
        Assert.InRange(result.Events, 0, Streams * 2L);
        Assert.All(result.ErrorSamples, e => Assert.Matches("(connection closed mid-body|socket: ConnectionReset .*) after [0-2] events", e));
    }

    private static Task<StreamLoadResult> RunAsync(ScriptedBackend server)
    {
        var request = StreamRequest.Build(server.BaseAddress, "echo", Tokens, delayMs: 0);
        var endpoint = new IPEndPoint(IPAddress.Loopback, server.BaseAddress.Port);
        return StreamLoad.RunAsync(endpoint, request, Streams, EventsPerStream, rampPerSecond: 400, StreamTime, CancellationToken.None);
    }
}
