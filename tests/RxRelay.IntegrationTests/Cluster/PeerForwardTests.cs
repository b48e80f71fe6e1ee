using RxRelay.Testing.Databases;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using System.Net;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Cluster;

namespace RxRelay.IntegrationTests.Cluster;

/// <summary>
/// A forwards a buffered request to B's peer listener with its <see cref="PeerClient"/>; B runs it at once on
/// its scripted worker and answers exactly as to a client, or refuses it before any byte.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PeerForwardTests(SharedPostgres postgres)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [PostgresFact]
    public async Task Forward_NonStreaming_WorkerAnswerRelayedExactly()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        var body = Wire.ChatBody(content: "héllo \"peer\"");

        var forward = pair.ForwardAsync(PeerPair.Envelope(body));
        Assert.Equal(PeerPair.Frame("request-1", body), await worker.ReceiveTextAsync());
        await Task.Delay(Quiet);
        Assert.False(forward.IsCompleted); // no header before the worker's answer
        await worker.SendCompleteAsync("request-1", 201, """{"content-type":"application/json","x-trace":"t-1"}""", """{"id":"c-1","text":"ok ✓"}""");

        using var response = Assert.IsType<PeerOutcome.Streaming>(await forward).Response;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("t-1", Assert.Single(response.Headers.GetValues("x-trace")));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount("""{"id":"c-1","text":"ok ✓"}"""), response.Content.Headers.ContentLength);
        Assert.Equal("""{"id":"c-1","text":"ok ✓"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains(PeerProtocol.RefusalHeader));
    }

    [PostgresFact]
    public async Task Forward_Streaming_HeadersAtFirstChunkThenChunksVerbatim()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        var body = Wire.ChatBody(stream: true);

        var forward = pair.ForwardAsync(PeerPair.Envelope(body, stream: true));
        Assert.Equal(PeerPair.Frame("request-1", body, stream: true), await worker.ReceiveTextAsync());
        await Task.Delay(Quiet);
        Assert.False(forward.IsCompleted);
        await worker.SendChunkAsync("request-1", "data: {\"n\":1}\n\n");

        using var response = Assert.IsType<PeerOutcome.Streaming>(await forward).Response;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("x-accel-buffering")));
        using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync());
        await worker.SendChunkAsync("request-1", "data: [DONE]\n\n");
        await worker.SendCompleteAsync("request-1");
        Assert.Equal("\ndata: [DONE]\n\n", await reader.ReadToEndAsync());
    }

    [PostgresFact]
    public async Task Forward_WorkerFailsMidStream_SseErrorEventAsToAClient()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        var forward = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody(stream: true), stream: true));
        await worker.ReceiveTextAsync();
        await worker.SendChunkAsync("request-1", "data: a\n\n");
        using var response = Assert.IsType<PeerOutcome.Streaming>(await forward).Response;

        worker.Abort();

        Assert.Equal(
            "data: a\n\nevent: error\ndata: {\"error\":{\"type\":\"worker_disconnected\",\"message\":\"worker disconnected mid-stream\"}}\n\n",
            await response.Content.ReadAsStringAsync());
    }

    [PostgresFact]
    public async Task Forward_NoFreeSlot_RefusedNoCapacityAndWorkerSeesNothing()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B, max: 1);
        await using var _w = worker;
        var first = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody()));
        await worker.ReceiveTextAsync();

        var second = await pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody(content: "second")));

        Assert.Equal(new PeerOutcome.Refused(PeerRefusal.NoCapacity), second);
        await worker.AssertSilentAsync(Quiet);
        Assert.Equal(0, await pair.B.QueueDepthAsync());
        await worker.SendCompleteAsync("request-1", body: "one");
        using var response = Assert.IsType<PeerOutcome.Streaming>(await first).Response;
        Assert.Equal("one", await response.Content.ReadAsStringAsync());
    }

    [PostgresFact]
    public async Task Forward_NoCapacity_Exact503OnTheWire()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var json = System.Text.Json.JsonSerializer.Serialize(PeerPair.Envelope(Wire.ChatBody()), PeerJson.Default.PeerEnvelope);

        using var http = await RawHttp.PostAsync(pair.PeerPort, PeerProtocol.ForwardPath, json, (PeerProtocol.SecretHeader, PeerPair.PeerSecret));
        var response = await http.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 503 Service Unavailable", response.StatusLine);
        Assert.Equal("no-capacity", response.Header(PeerProtocol.RefusalHeader));
        Assert.Equal("No worker has a free slot now\n", response.Body);
    }

    [PostgresFact]
    public async Task Forward_WorkerClosesBeforeFirstEvent_RefusedWorkerLostNothingQueued()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        var forward = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody(stream: true), stream: true));
        await worker.ReceiveTextAsync();

        await worker.CloseAsync();

        Assert.Equal(new PeerOutcome.Refused(PeerRefusal.WorkerLost), await forward);
        Assert.Equal(0, await pair.B.QueueDepthAsync());
    }

    [PostgresFact]
    public async Task Forward_CallerCancelsBeforeFirstEvent_WorkerGetsCancelAndSlotIsFreed()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B, max: 1);
        await using var _w = worker;
        using var cancel = new CancellationTokenSource();
        var forward = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody()), cancellationToken: cancel.Token);
        await worker.ReceiveTextAsync();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => forward);
        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync());
        Assert.Equal(0, pair.B.Dispatcher.GetSnapshot().Workers.Single().InFlight);
        var next = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody(content: "next")));
        Assert.Equal(PeerPair.Frame("request-2", Wire.ChatBody(content: "next")), await worker.ReceiveTextAsync());
        await worker.SendCompleteAsync("request-2");
        (Assert.IsType<PeerOutcome.Streaming>(await next)).Response.Dispose();
    }

    [PostgresFact]
    public async Task Forward_CallerStopsReadingMidStream_WorkerGetsCancel()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        var forward = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody(stream: true), stream: true));
        await worker.ReceiveTextAsync();
        await worker.SendChunkAsync("request-1", "data: a\n\n");
        var response = Assert.IsType<PeerOutcome.Streaming>(await forward).Response;

        response.Dispose();

        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync());
        await ProxyTestHost.EventuallyAsync(
            () => Task.FromResult(pair.B.Dispatcher.GetSnapshot().Workers.Single().InFlight == 0), "slot freed");
    }

    [PostgresFact]
    public async Task Forward_DeadlinePassesBeforeFirstEvent_408AndWorkerGetsTimeoutCancel()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;

        var forward = pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody(), deadlineMs: 200));
        await worker.ReceiveTextAsync();

        Assert.Equal(Wire.Cancel("request-1", "timeout"), await worker.ReceiveTextAsync());
        using var response = Assert.IsType<PeerOutcome.Streaming>(await forward).Response;
        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
    }

    [PostgresFact]
    public async Task Forward_PeerNotListening_Unreachable()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await pair.Client.ForwardAsync(new Uri($"http://127.0.0.1:{port}"), PeerPair.PeerSecret, PeerPair.Envelope(Wire.ChatBody()), CancellationToken.None);

        Assert.IsType<System.Net.Http.HttpRequestException>(Assert.IsType<PeerOutcome.Unreachable>(outcome).Cause);
    }
}
