namespace RxRelay.EndToEndTests.Faults;

/// <summary>
/// The stage every fault cell is played on: a proxy, worker 1 (max concurrency 1, its own backend,
/// optionally dialling through a <see cref="BlackholeRelay"/>) that takes the request under test, and a
/// replacement worker 2 with its own backend that must serve whatever is legitimately retried and the
/// follow-up request proving capacity is whole again.
/// </summary>
internal sealed class FaultRig : IAsyncDisposable
{
    private FaultRig(RelayCluster cluster, ScriptedBackend first, ScriptedBackend second)
    {
        Cluster = cluster;
        FirstBackend = first;
        SecondBackend = second;
    }

    public RelayCluster Cluster { get; }

    public ScriptedBackend FirstBackend { get; }

    public ScriptedBackend SecondBackend { get; }

    public ChildProcess FirstWorker { get; private set; } = null!;

    public BlackholeRelay? Relay { get; private set; }

    public static async Task<FaultRig> StartAsync(ITestOutputHelper output, bool throughRelay = false, ProxySettings? proxy = null)
    {
        var cluster = await RelayCluster.StartAsync(output, proxy);
        var rig = new FaultRig(cluster, cluster.Own(await MockBackend.StartAsync()), cluster.Own(await MockBackend.StartAsync()));
        rig.SecondBackend.Handler = call => call.Path == Bodies.ChatPath && call.Body.Contains("\"stream\":true", StringComparison.Ordinal)
            ? StreamAsync(call, "second")
            : call.RespondAsync(200, "second", ("content-type", "text/plain"));
        var proxyUrl = cluster.ProxyUrl;
        if (throughRelay)
        {
            rig.Relay = cluster.Own(new BlackholeRelay(cluster.Settings.Port));
            rig.Relay.Start();
            proxyUrl = rig.Relay.Address;
        }

        rig.FirstWorker = await cluster.StartWorkerAsync(cluster.Worker(rig.FirstBackend.BaseAddress, "worker-1") with { ProxyUrl = proxyUrl });
        return rig;
    }

    /// <summary>The SSE answer the second backend streams: "Hel", "lo", [DONE].</summary>
    public static string SecondStream => Sse.ChatDelta("Hel") + Sse.ChatDelta("lo") + Sse.Done;

    public Task<ChildProcess> StartSecondWorkerAsync()
        => Cluster.StartWorkerAsync(Cluster.Worker(SecondBackend.BaseAddress, "worker-2"));

    /// <summary>Capacity is whole again: a fresh request is answered 200 by a live worker.</summary>
    public async Task AssertFollowUpServedAsync()
    {
        // Worker 1 may still be alive (client-side faults): its backend now answers too.
        FirstBackend.Handler = call => call.RespondAsync(200, "first", ("content-type", "text/plain"));
        var (response, body) = await Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains(body, new[] { "first", "second" });
    }

    /// <summary>Worker 1's backend takes every call and holds it until the test releases or aborts it.</summary>
    public void HoldFirstBackend() => FirstBackend.Handler = call => call.HoldAsync();

    /// <summary>A request worker 1's backend holds, sent whole; returns once the backend has it.</summary>
    public async Task<(Task<(HttpResponseMessage Response, string Body)> Answer, BackendCall Held)> SendHeldAsync(bool stream)
    {
        HoldFirstBackend();
        var answer = Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream));
        return (answer, await FirstBackend.WaitForCallAsync(1, Bounds.Prompt));
    }

    /// <summary>A request worker 1's backend holds, its response not yet read; returns once the backend has it.</summary>
    public async Task<(Task<HttpResponseMessage> Response, BackendCall Held)> PostHeldAsync(bool stream, CancellationToken cancellationToken = default)
    {
        HoldFirstBackend();
        var response = Cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream), cancellationToken: cancellationToken);
        return (response, await FirstBackend.WaitForCallAsync(1, Bounds.Prompt));
    }

    /// <summary>Worker 1 (one slot) holds a non-streaming request and a second one waits in the proxy's queue.</summary>
    public async Task<(Task<(HttpResponseMessage Response, string Body)> InFlight, BackendCall Held, Task<(HttpResponseMessage Response, string Body)> Queued)> HoldOneQueueOneAsync()
    {
        var (inFlight, held) = await SendHeldAsync(stream: false);
        var queued = Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await WaitForQueueDepthAsync(1);
        return (inFlight, held, queued);
    }

    /// <summary>Worker 1's backend streams one chunk and then holds; returns once the client has read that chunk.</summary>
    public async Task<StreamingRead> StartHeldStreamAsync()
    {
        FirstBackend.Handler = async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync(Sse.ChatDelta("one"));
            await call.HoldAsync();
        };
        var stream = new StreamingRead(await Cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true)).WaitAsync(Bounds.Prompt));
        try
        {
            await stream.WaitForTextAsync(Sse.ChatDelta("one"), Bounds.Prompt);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Status and body of an answer, compared as one value.</summary>
    public static (int Status, string Body) Outcome((HttpResponseMessage Response, string Body) answer)
        => ((int)answer.Response.StatusCode, answer.Body);

    public async Task WaitForQueueDepthAsync(int depth)
        => await Eventually.UntilAsync(async () => (await Cluster.HealthAsync()).GetProperty("queue_depth").GetInt32() == depth, Bounds.Prompt, $"queue_depth {depth}");

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();

    private static async Task StreamAsync(BackendCall call, string _)
    {
        await call.StartStreamAsync();
        await call.WriteChunkAsync(Sse.ChatDelta("Hel"));
        await call.WriteChunkAsync(Sse.ChatDelta("lo"));
        await call.WriteChunkAsync(Sse.Done);
    }
}
