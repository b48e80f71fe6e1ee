namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Where RxRelay deliberately does better than upstream (docs/differences-from-upstream.md).
/// </summary>
public sealed class ImprovementTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task QueuedRequest_WorkerRegisters_DispatchedWithoutPong()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var body = Wire.ChatBody();
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body);
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "request queued");

        var (worker, ack) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;

        Assert.Equal(Wire.Ack("worker-1"), ack);
        Assert.Equal(Wire.Request("request-1", body), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
    }

    [Fact]
    public async Task RequeuedRequest_SecondWorkerIdle_ReachesItWithoutHeartbeat()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (a, _) = await ScriptedWorker.RegisterAsync(host, "gpu-box-a");
        var (b, _) = await ScriptedWorker.RegisterAsync(host, "gpu-box-b");
        await using var _b = b;
        var body = Wire.ChatBody();
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body);
        Assert.Equal(Wire.Request("request-1", body), Wire.WithoutRequestId(await a.ReceiveTextAsync()));

        a.Abort();
        await a.DisposeAsync();

        Assert.Equal(Wire.Request("request-1", body), Wire.WithoutRequestId(await b.ReceiveTextAsync()));
    }

    [Fact]
    public async Task Streaming_WorkerDiesMidStream_SseErrorEventAndNoReplay()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (a, _) = await ScriptedWorker.RegisterAsync(host, "gpu-box-a");
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody(stream: true));
        await a.ReceiveTextAsync();
        await a.SendChunkAsync("request-1", "data: partial\n\n");
        await client.ReadUntilAsync("data: partial\n\n");
        var (b, _) = await ScriptedWorker.RegisterAsync(host, "gpu-box-b");
        await using var _b = b;

        a.Abort();
        await a.DisposeAsync();

        var response = RawResponse.Parse(await client.ReadToEndAsync());
        Assert.Equal(200, response.Status);
        Assert.Equal(
            "data: partial\n\nevent: error\ndata: {\"error\":{\"type\":\"worker_disconnected\",\"message\":\"worker disconnected mid-stream\"}}\n\n",
            response.Body);
        await b.AssertSilentAsync(Quiet);
    }

    [Fact]
    public async Task Streaming_ClientStopsReading_WorkerCancelledAndStreamCut()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { RequestEventCapacity = 8, ClientStallTimeout = TimeSpan.FromSeconds(1) });
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var client = await RawHttp.OpenAsync(host.Port, receiveBuffer: 4096);
        await client.SendAsync(RawHttp.Request("POST", "/v1/chat/completions", Wire.ChatBody(stream: true)));
        await worker.ReceiveTextAsync();
        var chunk = "data: " + new string('x', 64 * 1024) + "\n\n";
        long sent = 0;
        ReceivedFrame? cancel = null;
        for (var i = 0; i < 2000 && cancel is null; i++)
        {
            await worker.SendChunkAsync("request-1", chunk);
            sent += chunk.Length;
            worker.TryReceive(out cancel);
        }

        cancel ??= await worker.ReceiveAsync();
        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), cancel.Text);
        var received = await client.ReadToEndAsync(TimeSpan.FromSeconds(30));
        Assert.True(received.Length < sent, $"client got {received.Length} of {sent} bytes: the proxy must not buffer everything");
        Assert.Equal(1, await host.WorkerCountAsync()); // the worker itself is fine and stays
    }

    [Fact]
    public async Task ChatTimeout_InFlightTimesOut_408TimeoutCancelAndQueuedWorkRedispatchedAtOnce()
    {
        // request-2 joins the queue halfway through request-1's timeout, so once request-1 times out
        // request-2 still has a whole second (a generous margin under CPU load) to be served.
        await using var host = await ProxyTestHost.StartAsync(o => o with { RequestTimeout = TimeSpan.FromSeconds(2) });
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var client1 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();
        await Task.Delay(1000);
        var body2 = Wire.ChatBody(content: "two");
        using var client2 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body2);

        Assert.Equal(Wire.Cancel("request-1", "timeout"), await worker.ReceiveTextAsync());
        Assert.Equal(Wire.Request("request-2", body2), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
        await worker.SendCompleteAsync("request-2", 200, """{"x-worker-backend":"gpu-box-a"}""", "second");
        await worker.SendCompleteAsync("request-1", 200, "{}", "late-first"); // late answer to a cancelled request: dropped

        var first = await client1.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 408 Request Timeout", first.StatusLine);
        Assert.Equal("", first.Body);
        Assert.Equal("second", (await client2.ReadResponseAsync()).Body);
        await worker.AssertSilentAsync(Quiet);
        Assert.Equal(1, await host.WorkerCountAsync());
    }
}
