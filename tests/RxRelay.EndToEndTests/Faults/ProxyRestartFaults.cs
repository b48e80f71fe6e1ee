namespace RxRelay.EndToEndTests.Faults;

/// <summary>
/// Fault: the proxy process dies (SIGKILL) and a new one starts on the same port. Clients of the dead
/// proxy lose their connection (nothing else is possible); the worker must abort the backend work it
/// was doing for them, re-register with the new proxy, and serve at full concurrency. A graceful stop
/// (SIGTERM) instead lets in-flight work finish within the shutdown timeout.
/// </summary>
public sealed class ProxyRestartFaults(ITestOutputHelper output)
{
    [Fact]
    public async Task Queued_ProxyKilled_ClientConnectionFailsAndWorkerServesNewProxy()
    {
        await using var rig = await FaultRig.StartAsync(output);
        var (inFlight, held, queued) = await rig.HoldOneQueueOneAsync();

        await rig.Cluster.Proxy.KillAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => inFlight);
        await Assert.ThrowsAsync<HttpRequestException>(() => queued);
        await held.Aborted.WaitAsync(Bounds.Prompt);
        await RestartAndAssertServedAsync(rig);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BeforeFirstByte_ProxyKilled_BackendWorkAbortedAndWorkerServesNewProxy(bool streaming)
    {
        await using var rig = await FaultRig.StartAsync(output);
        var (pending, held) = await rig.SendHeldAsync(streaming);

        await rig.Cluster.Proxy.KillAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        await held.Aborted.WaitAsync(Bounds.Prompt);
        await RestartAndAssertServedAsync(rig);
    }

    [Fact]
    public async Task MidStream_ProxyKilled_ClientStreamBreaksBackendAbortedAndWorkerServesNewProxy()
    {
        await using var rig = await FaultRig.StartAsync(output);
        await using var stream = await rig.StartHeldStreamAsync();

        await rig.Cluster.Proxy.KillAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => stream.ReadToEndAsync(Bounds.Prompt));
        Assert.Equal(Sse.ChatDelta("one"), stream.Text);
        await rig.FirstBackend.Calls[0].Aborted.WaitAsync(Bounds.Prompt);
        await RestartAndAssertServedAsync(rig);
    }

    [Fact]
    public async Task NonStreamingInFlight_ProxyStoppedGracefully_RequestCompletesThenProxyExits0()
    {
        await using var rig = await FaultRig.StartAsync(output);
        rig.FirstBackend.Handler = async call =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await call.RespondAsync(200, "first", ("content-type", "text/plain"));
        };
        var pending = rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await rig.FirstBackend.WaitForCallAsync(1, Bounds.Prompt);

        var exit = rig.Cluster.Proxy.TerminateAsync(Bounds.Prompt);

        Assert.Equal((200, "first"), FaultRig.Outcome(await pending));
        Assert.Equal(0, await exit);
        await RestartAndAssertServedAsync(rig);
    }

    private static async Task RestartAndAssertServedAsync(FaultRig rig)
    {
        await rig.Cluster.StartProxyAsync();
        await rig.Cluster.WaitForWorkersAsync(1);
        await rig.AssertFollowUpServedAsync();
    }
}
