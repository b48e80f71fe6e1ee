using System.Diagnostics;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// Worker SIGTERM drains (docs/differences-from-upstream.md#worker-sigterm-drain; upstream exits at once):
/// upstream's live_backend.rs 12–15 played with the trigger RxRelay has — stopping the worker — instead of
/// upstream's test-only drain hook.
/// </summary>
public sealed class WorkerDrainScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task BusyWorker_Sigterm_FinishesInFlightThenReplacementServesQueued()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var first = cluster.Own(await MockBackend.StartAsync());
        var second = cluster.Own(await MockBackend.StartAsync());
        first.Handler = async call =>
        {
            await call.HoldAsync();
            await call.RespondAsync(201, "from-first", ("content-type", "text/plain"));
        };
        second.Handler = call => call.RespondAsync(201, "from-second", ("content-type", "text/plain"));
        var draining = await cluster.StartWorkerAsync(cluster.Worker(first.BaseAddress, "worker-1"));
        var inFlight = cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));
        var held = await first.WaitForCallAsync(1, Bounds.Prompt);
        var queued = cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));

        var exit = draining.TerminateAsync(Bounds.Prompt);
        await Task.Delay(Bounds.Quiet);
        Assert.False(queued.IsCompleted);
        held.Release();

        Assert.Equal((201, "from-first"), Outcome(await inFlight));
        Assert.Equal(0, await exit);
        Assert.Single(first.Calls);
        await cluster.StartWorkerAsync(cluster.Worker(second.BaseAddress, "worker-2"));
        Assert.Equal((201, "from-second"), Outcome(await queued));
    }

    [Fact]
    public async Task IdleWorker_Sigterm_ExitsPromptlyAndLeavesTheCatalog()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        var worker = await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));
        var clock = Stopwatch.StartNew();

        Assert.Equal(0, await worker.TerminateAsync(Bounds.Prompt));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        await cluster.WaitForWorkersAsync(0, Bounds.Prompt);
        Assert.Equal("""{"object":"list","data":[]}""", await cluster.Http.GetStringAsync("/v1/models"));
    }

    [Fact]
    public async Task HungBackend_SigtermWithOneSecondDrain_ClientGets503DrainingAndBackendConnectionClosed()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = call => call.HoldAsync();
        var worker = await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { ShutdownTimeoutSecs = 1 });
        var pending = cluster.SendAsync(Bodies.MessagesPath, Bodies.Messages(stream: false, model: Bodies.OpenAiModel));
        var held = await backend.WaitForCallAsync(1, Bounds.Prompt);

        Assert.Equal(0, await worker.TerminateAsync(Bounds.Prompt));

        Assert.Equal((503, """{"error":{"type":"worker_draining","message":"worker shut down before the request finished"}}"""), Outcome(await pending));
        await held.Aborted.WaitAsync(Bounds.Prompt);
        await cluster.WaitForWorkersAsync(0, Bounds.Prompt);
    }

    private static (int, string) Outcome((HttpResponseMessage Response, string Body) answer) => ((int)answer.Response.StatusCode, answer.Body);
}
