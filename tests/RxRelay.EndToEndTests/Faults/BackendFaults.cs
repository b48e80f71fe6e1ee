namespace RxRelay.EndToEndTests.Faults;

/// <summary>
/// Faults on the backend side of worker 1: the backend refuses connections (nothing listens), resets
/// mid-stream, or hangs. Rules: a backend error is that request's completion — 502 JSON from the worker — and
/// never ends the session (docs/differences-from-upstream.md#worker-backend-failure); a hang is bounded by
/// the proxy's request timeout (408) until the first byte, and the cancel that follows reaches the backend
/// and frees the slot.
/// </summary>
public sealed class BackendFaults(ITestOutputHelper output)
{
    private const string Unavailable = """{"error":{"type":"backend_unavailable","message":"the backend could not be reached or sent no response"}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BackendRefuses_BeforeFirstByte_Client502JsonAndWorkerKeepsServing(bool streaming)
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        var refusing = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var worker = await cluster.StartWorkerAsync(cluster.Worker(refusing));

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(streaming));

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Unavailable, body);
        Assert.Equal(1, await cluster.WorkersConnectedAsync());
        Assert.DoesNotContain(worker.Lines, line => line.Contains("reconnecting", StringComparison.Ordinal));
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress, "worker-2"));
        await worker.KillAsync();
        Assert.Equal(200, (int)(await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false))).Response.StatusCode);
    }

    [Fact]
    public async Task BackendRefuses_QueuedBehindAnotherRefusal_BothGet502NothingHangs()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await cluster.StartWorkerAsync(cluster.Worker(new Uri($"http://127.0.0.1:{FreePort.Next()}")));

        var answers = await Task.WhenAll(
            cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false)),
            cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false)));

        Assert.All(answers, a => Assert.Equal((502, Unavailable), FaultRig.Outcome(a)));
    }

    [Fact]
    public async Task BackendResetsMidStream_ClientKeepsFirstChunkStreamEndsWithoutDoneAndWorkerKeepsServing()
    {
        await using var rig = await FaultRig.StartAsync(output);
        rig.FirstBackend.Handler = async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync(Sse.ChatDelta("one"));
            await Task.Delay(50);
            call.Context.Abort();
        };
        await using var stream = new StreamingRead(await rig.Cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true)).WaitAsync(Bounds.Prompt));

        var text = await stream.ReadToEndAsync(Bounds.Prompt).ContinueWith(_ => stream.Text, TaskScheduler.Default);

        output.WriteLine($"client received after backend reset: {text}");
        Assert.StartsWith(Sse.ChatDelta("one"), text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.Equal(1, await rig.Cluster.WorkersConnectedAsync());
        await rig.AssertFollowUpServedAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BackendHangs_BeforeFirstByte_Client408AndCancelReachesBackend(bool streaming)
    {
        await using var rig = await FaultRig.StartAsync(output, proxy: new ProxySettings { RequestTimeoutSecs = 2 });
        rig.HoldFirstBackend();

        var (response, body) = await rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(streaming));

        Assert.Equal(408, (int)response.StatusCode);
        Assert.Equal("", body);
        await (await rig.FirstBackend.WaitForCallAsync(1, Bounds.Prompt)).Aborted.WaitAsync(Bounds.Prompt);
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task BackendHangs_QueuedBehindIt_ServedOnceTheHungRequestTimesOut()
    {
        await using var rig = await FaultRig.StartAsync(output, proxy: new ProxySettings { RequestTimeoutSecs = 2 });
        rig.FirstBackend.Handler = call => call.Path == Bodies.ChatPath && rig.FirstBackend.Calls.Count == 1
            ? call.HoldAsync()
            : call.RespondAsync(200, "first", ("content-type", "text/plain"));
        var hung = rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await rig.FirstBackend.WaitForCallAsync(1, Bounds.Prompt);
        // The request timeout counts from each request's own arrival, queue time included: the queued
        // request arrives half the timeout later, so it still has ~1 s left when the hung one's 408
        // frees the worker.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var queued = rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false), timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(408, (int)(await hung).Response.StatusCode);
        var answer = await queued;
        Assert.Equal((200, "first"), FaultRig.Outcome(answer));
    }

    [Fact]
    public async Task BackendHangsMidStream_StreamStaysOpenPastIdleTimeoutsUntilClientLeaves()
    {
        await using var rig = await FaultRig.StartAsync(output, proxy: new ProxySettings { RequestTimeoutSecs = 2 });
        var stream = await rig.StartHeldStreamAsync();

        // Three idle timeouts and past the request timeout: a started stream is not cut by either.
        await Task.Delay(3 * Bounds.IdleTimeout);
        Assert.False(stream.Completion.IsCompleted);
        Assert.Equal(Sse.ChatDelta("one"), stream.Text);
        Assert.DoesNotContain(rig.FirstWorker.Lines, line => line.Contains("reconnecting", StringComparison.Ordinal));

        await stream.AbortAsync();
        await rig.FirstBackend.Calls[0].Aborted.WaitAsync(Bounds.Prompt);
        await rig.AssertFollowUpServedAsync();
    }
}
