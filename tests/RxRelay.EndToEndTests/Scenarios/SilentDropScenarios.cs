namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// The failure this project exists for: a NAT or load balancer forgets the worker's flow without a FIN
/// or RST. Both ends must find out on their own — the idle worker by its inbound idle timeout, the proxy
/// by its heartbeat — and the worker must heal as soon as the path works again.
/// </summary>
public sealed class SilentDropScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task IdleWorker_LinkBlackholed_BothSidesNoticeAndWorkerHealsOnceRestored()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        var relay = cluster.Own(new BlackholeRelay(cluster.Settings.Port));
        relay.Start();
        var worker = await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { ProxyUrl = relay.Address });
        var flow = Assert.Single(relay.Connections);

        var droppedAt = relay.Blackhole();

        // Proxy: ping after 0.3 s of silence, removal 0.5 s later.
        var proxyNoticed = await cluster.WaitForWorkersAsync(0, Bounds.HeartbeatInterval + Bounds.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        // Worker: nothing inbound for its idle timeout ends the session; it closes its end of the flow.
        var workerNoticed = await flow.WorkerClosedAt.WaitAsync(Bounds.IdleTimeout + TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(1)) - droppedAt;
        output.WriteLine($"proxy removed the worker after {proxyNoticed.TotalMilliseconds:0} ms; worker closed the flow {workerNoticed.TotalMilliseconds:0} ms after the drop");
        Assert.InRange(workerNoticed, TimeSpan.Zero, Bounds.IdleTimeout + TimeSpan.FromSeconds(1));
        await worker.WaitForLineAsync("no messages received from server within idle timeout", Bounds.Prompt);

        relay.Restore();

        await cluster.WaitForWorkersAsync(1, Bounds.Registration);
        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"path":"/v1/chat/completions"}""", body);
    }

    [Fact]
    public async Task StreamingWorker_LinkBlackholed_ReconnectsOnceItsStreamEndsAndIdleTimeoutPasses()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = async call =>
        {
            await call.StartStreamAsync();
            for (var i = 0; i < 10; i++)
            {
                await call.WriteChunkAsync(Sse.ChatDelta($"t{i}"));
                await Task.Delay(100);
            }

            await call.WriteChunkAsync(Sse.Done);
        };
        var relay = cluster.Own(new BlackholeRelay(cluster.Settings.Port));
        relay.Start();
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { ProxyUrl = relay.Address });
        var flow = Assert.Single(relay.Connections);
        await using var stream = new StreamingRead(await cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true)).WaitAsync(Bounds.Prompt));
        await stream.WaitForTextAsync(Sse.ChatDelta("t0"), Bounds.Prompt);

        relay.Blackhole();

        // The client learns at once (heartbeat); the worker, busy streaming into the void, once the
        // backend's 1 s stream is over and its idle timeout (1 s) has passed with nothing inbound.
        Assert.EndsWith(Sse.WorkerDisconnected, await stream.ReadToEndAsync(Bounds.Prompt), StringComparison.Ordinal);
        await flow.WorkerClosedAt.WaitAsync(TimeSpan.FromSeconds(1) + Bounds.IdleTimeout + TimeSpan.FromSeconds(2));
        relay.Restore();
        await cluster.WaitForWorkersAsync(1, Bounds.Registration);
        Assert.Equal(200, (int)(await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false))).Response.StatusCode);
    }
}
