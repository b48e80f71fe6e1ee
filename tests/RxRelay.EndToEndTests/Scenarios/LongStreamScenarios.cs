using RxRelay.EchoBackend;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// A stream lasting several idle-timeout periods survives end to end
/// (docs/differences-from-upstream.md#worker-idle-while-busy: upstream's worker cuts every stream longer than
/// its idle timeout and the proxy replays it).
/// </summary>
public sealed class LongStreamScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task Stream_FourIdleTimeoutsLong_ArrivesWholeWithoutReconnect()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var echo = cluster.Own(await EchoBackendApp.StartAsync(new EchoBackendOptions { Listen = ListenAddress.LoopbackAnyPort, Models = ["echo"] }));
        var worker = await cluster.StartWorkerAsync(cluster.Worker(echo.BaseAddress) with { Models = ["echo"] });

        // 40 tokens x 100 ms = 4 s against a 1 s worker idle timeout.
        await using var stream = new StreamingRead(await cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true, model: "echo"),
            [("x-echo-tokens", "40"), ("x-echo-delay-ms", "100")]).WaitAsync(Bounds.Prompt));
        var text = await stream.ReadToEndAsync(TimeSpan.FromSeconds(20));

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(200, (int)stream.Response.StatusCode);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Equal(40, events.Count(e => e.Contains("\"content\":\"", StringComparison.Ordinal) && !e.Contains("\"content\":\"\"", StringComparison.Ordinal)));
        Assert.Single(worker.Lines, line => line.Contains(InProcessWorker.RegisteredLine, StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Lines, line => line.Contains("idle timeout", StringComparison.Ordinal));
    }
}
