namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// SIGTERM (host StopAsync) drains: upstream never does
/// (docs/differences-from-upstream.md#proxy-sigterm-drain).
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task StopAsync_InFlightRequest_CompletesThenWorkerClosed1000AndQueued503()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { ShutdownTimeout = TimeSpan.FromSeconds(5) });
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var inFlight = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();
        using var queued = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody(content: "two"));
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "second request queued");

        var stopping = host.App.StopAsync();

        Assert.Equal("""{"type":"graceful_shutdown","reason":"proxy server shutting down","drain_timeout_secs":5}""", await worker.ReceiveTextAsync());
        using (var late = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody()))
        {
            InferenceRouteTests.AssertUnavailable(await late.ReadResponseAsync(), "Service temporarily unavailable while workers shut down");
        }

        await worker.SendCompleteAsync("request-1", 200, """{"content-type":"application/json"}""", "{\"done\":true}");
        Assert.Equal("{\"done\":true}", (await inFlight.ReadResponseAsync()).Body);
        Assert.Equal((1000, "graceful shutdown complete"), await worker.ReceiveCloseAsync());
        InferenceRouteTests.AssertUnavailable(await queued.ReadResponseAsync(), "Service temporarily unavailable while workers shut down");
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task StopAsync_InFlightNeverFinishes_503AfterTimeoutAndWorkerClosed1000TimedOut()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { ShutdownTimeout = TimeSpan.FromSeconds(1) });
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var inFlight = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();

        var stopping = host.App.StopAsync();

        Assert.Equal("""{"type":"graceful_shutdown","reason":"proxy server shutting down","drain_timeout_secs":1}""", await worker.ReceiveTextAsync());
        Assert.Equal((1000, "graceful shutdown timed out"), await worker.ReceiveCloseAsync());
        InferenceRouteTests.AssertUnavailable(await inFlight.ReadResponseAsync(), "Service temporarily unavailable while workers shut down");
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
