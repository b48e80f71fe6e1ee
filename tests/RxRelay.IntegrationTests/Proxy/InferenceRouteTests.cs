using System.Text.Json;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// The scenarios shared by reference 10.2 <c>http_chat_completions.rs</c>, <c>http_messages.rs</c> and
/// <c>http_responses.rs</c>, run on each route. "[hook]" steps become real HTTP, sockets or a dispatcher call.
/// </summary>
public sealed class InferenceRouteTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static Dictionary<string, string> Map(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_WorkerAnswers_RequestForwardedAndResponsePreserved(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        var body = route.Body();
        using var client = await route.PostAsync(host, body);

        Assert.Equal(route.RequestFrame("request-1", body), await worker.ReceiveTextAsync());
        await worker.SendCompleteAsync("request-1", route.SuccessStatus, route.SuccessHeadersJson, route.SuccessBody);

        var response = await client.ReadResponseAsync();
        Assert.Equal(route.SuccessStatusLine, response.StatusLine);
        Assert.All(Map(route.SuccessHeadersJson), h => Assert.Equal(h.Value, response.Header(h.Key)));
        Assert.Equal(route.SuccessBody, response.Body);
        Assert.Equal(route.SuccessBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("content-length"));
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_UpstreamHttpError_PreservedVerbatim(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var client = await route.PostAsync(host, route.Body());
        await worker.ReceiveTextAsync();

        await worker.SendCompleteAsync("request-1", route.ErrorStatus, route.ErrorHeadersJson, route.ErrorBody);

        var response = await client.ReadResponseAsync();
        Assert.Equal(route.ErrorStatusLine, response.StatusLine);
        Assert.All(Map(route.ErrorHeadersJson), h => Assert.Equal(h.Value, response.Header(h.Key)));
        Assert.Equal(route.ErrorBody, response.Body);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_Streaming_ChunksRelayedLiveThenChunkedEnd(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        var body = route.Body(stream: true);
        using var client = await route.PostAsync(host, body);
        Assert.Equal(route.RequestFrame("request-1", body, streaming: true), await worker.ReceiveTextAsync());

        await worker.SendChunkAsync("request-1", route.StreamChunks[0]);
        var head = await client.ReadUntilAsync(route.StreamChunks[0]);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: text/event-stream\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nCache-Control: no-cache\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nx-accel-buffering: no\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain(route.StreamChunks[^1], head, StringComparison.Ordinal);
        foreach (var chunk in route.StreamChunks.Skip(1))
        {
            await worker.SendChunkAsync("request-1", chunk);
        }

        await worker.SendCompleteAsync("request-1", 200, """{"content-type":"text/event-stream"}""", "");
        var raw = await client.ReadToEndAsync();
        Assert.EndsWith("0\r\n\r\n", raw, StringComparison.Ordinal);
        Assert.Equal(string.Concat(route.StreamChunks), RawResponse.Parse(raw).Body);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_LargeSseChunk_PassesThroughIntact(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var client = await route.PostAsync(host, route.Body(stream: true));
        await worker.ReceiveTextAsync();
        var large = "data: " + string.Concat(Enumerable.Repeat("large-chunk-data-", 4200)) + "\n\n";

        await worker.SendChunkAsync("request-1", large);
        await worker.SendCompleteAsync("request-1");

        var response = RawResponse.Parse(await client.ReadToEndAsync());
        Assert.Equal(large, response.Body);
        Assert.DoesNotContain("stream exceeded size limit", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_ClientDisconnectsWhileWaiting_WorkerGetsClientDisconnectCancel(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        var client = await route.PostAsync(host, route.Body());
        await worker.ReceiveTextAsync();

        client.HalfClose();
        client.Dispose();

        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync());
        await worker.AssertSilentAsync(Quiet);
    }

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
        await using var host = await route.StartHostAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var bad = await ScriptedWorker.ConnectAsync(host.WorkerUri(route.Provider), "wrong-secret");
            Assert.Equal((1008, "worker authentication failed"), await bad.ReceiveCloseAsync());
        }

        await using (var blocked = await ScriptedWorker.ConnectAsync(host.WorkerUri(route.Provider)))
        {
            Assert.Equal((1008, "worker authentication temporarily rate limited"), await blocked.ReceiveCloseAsync());
        }

        await Task.Delay(300);
        var (worker, ack) = await route.RegisterAsync(host);
        await using var _w = worker;
        Assert.Contains("\"worker_id\":\"worker-1\"", ack, StringComparison.Ordinal);
        var body = route.Body();
        using var client = await route.PostAsync(host, body, withHeaders: false);
        Assert.Equal(route.RequestFrame("request-1", body, headersJson: """{"content-type":"application/json"}"""), await worker.ReceiveTextAsync());
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

        await host.Dispatcher.BeginDrainAsync(TimeSpan.FromSeconds(1));

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
