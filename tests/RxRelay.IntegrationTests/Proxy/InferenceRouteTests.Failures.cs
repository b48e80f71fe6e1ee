using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace RxRelay.IntegrationTests.Proxy;

public sealed partial class InferenceRouteTests
{
    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_NoWorkersAndNoQueue_Sanitized503(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync(o => o with { MaxQueueLength = 0 });
        using var client = await route.PostAsync(host, route.Body());

        AssertUnavailable(await client.ReadResponseAsync(), "No workers available to handle request");
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_NoWorkerBeforeQueueTimeout_Sanitized503(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync(o => o with { QueueTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = await route.PostAsync(host, route.Body());

        AssertUnavailable(await client.ReadResponseAsync(), "Request timed out waiting for worker");
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_QueueFull_Sanitized503Capacity(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync(o => o with { MaxQueueLength = 1 });
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var first = await route.PostAsync(host, route.Body());
        await worker.ReceiveTextAsync();
        using var second = await route.PostAsync(host, route.Body());
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "second request queued");

        using var third = await route.PostAsync(host, route.Body());

        AssertUnavailable(await third.ReadResponseAsync(), "Service temporarily at capacity, please retry");
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_AuthRateLimitWindowExpires_WorkerRecoversAndServes(string name)
    {
        var route = InferenceRoute.ByName(name);
        // The 250 ms failed-auth window runs on virtual time: three failures "within 250 ms of each
        // other" must not depend on how fast a loaded box completes three handshakes.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await route.StartHostAsync(time: time);
        for (var i = 0; i < 3; i++)
        {
            await using var bad = await ScriptedWorker.ConnectAsync(host.WorkerUri(route.Provider), "wrong-secret");
            Assert.Equal((1008, "worker authentication failed"), await bad.ReceiveCloseAsync());
        }

        await using (var blocked = await ScriptedWorker.ConnectAsync(host.WorkerUri(route.Provider)))
        {
            Assert.Equal((1008, "worker authentication temporarily rate limited"), await blocked.ReceiveCloseAsync());
        }

        time.Advance(TimeSpan.FromMilliseconds(300));
        var (worker, ack) = await route.RegisterAsync(host);
        await using var _w = worker;
        Assert.Contains("\"worker_id\":\"worker-1\"", ack, StringComparison.Ordinal);
        var body = route.Body();
        using var client = await route.PostAsync(host, body, withHeaders: false);
        Assert.Equal(route.RequestFrame("request-1", body, headersJson: """{"content-type":"application/json"}"""), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
        await worker.SendCompleteAsync("request-1", route.SuccessStatus, route.SuccessHeadersJson, route.SuccessBody);
        Assert.Equal(route.SuccessBody, (await client.ReadResponseAsync()).Body);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_WorkerDisconnectsMidRequest_RequeuedToReplacementWithoutModelsUpdate(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (first, _) = await route.RegisterAsync(host);
        var body = route.Body();
        using var client = await route.PostAsync(host, body);
        var sent = await first.ReceiveTextAsync();

        await first.CloseAsync();
        await first.DisposeAsync();
        var (replacement, _) = await route.RegisterAsync(host, "gpu-box-b");
        await using var _r = replacement;

        // Registration alone pulls the queue (upstream needs a pong or models_update first).
        Assert.Equal(sent, await replacement.ReceiveTextAsync());
        await replacement.SendCompleteAsync("request-1", 200, """{"x-worker-backend":"gpu-box-b"}""", "from-b");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("gpu-box-b", response.Header("x-worker-backend"));
        Assert.Equal("from-b", response.Body);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_Drain_InFlightCompletesQueuedStaysQueued(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var client1 = await route.PostAsync(host, route.Body());
        await worker.ReceiveTextAsync();
        using var client2 = await route.PostAsync(host, route.Body(content: "two"));
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "second request queued");

        host.Dispatcher.BeginDrain(TimeSpan.FromSeconds(1));

        Assert.Equal("""{"type":"graceful_shutdown","reason":"proxy server shutting down","drain_timeout_secs":1}""", await worker.ReceiveTextAsync());
        await worker.SendCompleteAsync("request-1", route.SuccessStatus, route.SuccessHeadersJson, route.SuccessBody);
        Assert.Equal((1000, "graceful shutdown complete"), await worker.ReceiveCloseAsync());
        Assert.Equal(route.SuccessBody, (await client1.ReadResponseAsync()).Body);
        Assert.Equal(1, await host.QueueDepthAsync());
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_FourWorkersEachDisconnect_Sanitized503RequeueExhausted(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        using var client = await route.PostAsync(host, route.Body());
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "request queued");
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var (worker, _) = await route.RegisterAsync(host, $"gpu-box-{attempt}");
            Assert.Contains("\"request_id\":\"request-1\"", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
            worker.Abort();
            await worker.DisposeAsync();
        }

        var response = await client.ReadResponseAsync();
        AssertUnavailable(response, "Request could not be processed after multiple attempts");
        Assert.DoesNotContain("requeue", response.Body, StringComparison.OrdinalIgnoreCase);
    }

    internal static void AssertUnavailable(RawResponse response, string text)
    {
        Assert.Equal("HTTP/1.1 503 Service Unavailable", response.StatusLine);
        Assert.Equal("text/plain; charset=utf-8", response.Header("content-type"));
        Assert.Equal("nosniff", response.Header("x-content-type-options"));
        Assert.Equal(text + "\n", response.Body);
    }
}
