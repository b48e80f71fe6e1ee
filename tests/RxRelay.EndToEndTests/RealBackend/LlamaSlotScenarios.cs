using System.Diagnostics;
using RxRelay.EndToEndTests.Infrastructure;
using Xunit.Abstractions;

namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>
/// The relay in front of a real llama-server whose tokens come slowly (tens per second): its slots decode
/// streams in parallel through one worker, a client that leaves frees its slot, and a stream outlasting
/// the worker's idle timeout arrives whole.
/// </summary>
public sealed class LlamaSlotScenarios(SlowLlamaServer llama, ITestOutputHelper output) : IClassFixture<SlowLlamaServer>
{
    /// <summary>Long enough to watch: seconds at this model's speed.</summary>
    private static readonly TimeSpan StreamBound = TimeSpan.FromMinutes(2);

    [LlamaFact]
    public async Task ParallelStreams_OnePerSlot_AllDecodeAtOnceAndArriveWhole()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster, Bounds.IdleTimeout);
        const int tokens = 2 * Llama.ReplyTokens;

        var streams = await Task.WhenAll(Enumerable.Range(0, Llama.Slots)
            .Select(async _ => new StreamingRead(await cluster.PostAsync(Bodies.ChatPath, Llama.Endless(tokens)).WaitAsync(Bounds.Prompt))));
        try
        {
            await Task.WhenAll(streams.Select(s => s.WaitForTextAsync("\"content\":\"Hello\"", StreamBound)));
            var busyWhileAllStreaming = await llama.Server.BusySlotsAsync();
            var finishedBeforeAllStarted = streams.Count(s => s.Completion.IsCompleted);
            var answers = await Task.WhenAll(streams.Select(s => s.ReadToEndAsync(StreamBound)));

            Assert.Equal((Llama.Slots, 0), (busyWhileAllStreaming, finishedBeforeAllStarted));
            Assert.All(answers, answer => Assert.Equal(new ChatAnswer(Llama.Repeated(tokens), "length", Usage.ForPrompt(tokens), tokens), ChatAnswer.FromStream(answer)));
        }
        finally
        {
            await Task.WhenAll(streams.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [LlamaFact]
    public async Task ClientLeavesMidStream_BackendSlotFreedAndEverySlotServesNext()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster, Bounds.IdleTimeout);
        var leaving = new StreamingRead(await cluster.PostAsync(Bodies.ChatPath, Llama.Endless(4000)).WaitAsync(Bounds.Prompt));
        await leaving.WaitForTextAsync("\"content\":\"Hello\"", StreamBound);
        var busyBefore = await llama.Server.BusySlotsAsync();

        await leaving.DisposeAsync();

        var freedAfter = await Eventually.UntilAsync(async () => await llama.Server.BusySlotsAsync() == 0, TimeSpan.FromSeconds(5), "every llama-server slot idle");
        output.WriteLine($"slot freed {freedAfter.TotalMilliseconds:0} ms after the client left");
        Assert.Equal(1, busyBefore);
        var next = await Task.WhenAll(Enumerable.Range(0, Llama.Slots)
            .Select(_ => cluster.SendAsync(Bodies.ChatPath, Llama.Endless(Llama.ReplyTokens), timeout: StreamBound)));
        Assert.All(next, answer =>
        {
            Assert.Equal(200, (int)answer.Response.StatusCode);
            Assert.Equal(Llama.Reply, ChatAnswer.FromStream(answer.Body).Content);
        });
    }

    [LlamaFact]
    public async Task Stream_LongerThanTheWorkersIdleTimeout_ArrivesWholeWithoutReconnect()
    {
        var idleTimeout = TimeSpan.FromSeconds(2);
        await using var cluster = await RelayCluster.StartAsync(output);
        var worker = await StartWorkerAsync(cluster, idleTimeout);
        const int tokens = 10 * Llama.ReplyTokens;
        var clock = Stopwatch.StartNew();

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Llama.Endless(tokens), timeout: StreamBound);

        var lasted = clock.Elapsed;
        output.WriteLine($"{tokens} tokens streamed in {lasted.TotalSeconds:0.0} s against a {idleTimeout.TotalSeconds:0} s idle timeout");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new ChatAnswer(Llama.Repeated(tokens), "length", Usage.ForPrompt(tokens), tokens), ChatAnswer.FromStream(body));
        Assert.True(lasted > idleTimeout * 1.5, $"the stream lasted only {lasted.TotalSeconds:0.0} s: too short to outlast the idle timeout");
        Assert.Single(worker.Lines, line => line.Contains(InProcessWorker.RegisteredLine, StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Lines, line => line.Contains("idle timeout", StringComparison.Ordinal));
    }

    private Task<ChildProcess> StartWorkerAsync(RelayCluster cluster, TimeSpan idleTimeout)
        => cluster.StartWorkerAsync(cluster.Worker(llama.Server.BaseAddress) with { Models = ["*"], MaxConcurrency = Llama.Slots, IdleTimeout = idleTimeout });
}
