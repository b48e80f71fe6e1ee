using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Cluster;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.Cluster;

/// <summary>
/// Forwarding end to end between two in-process replicas on real Kestrel and the real directory (docs/cluster.md#forwarding):
/// a client's request to A, which has no worker, runs on B's worker and is answered by A exactly as a local one.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ForwardingTests(SharedPostgres postgres)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    [PostgresFact]
    public async Task NonStreaming_RequestToAReplicaWithoutWorkers_RunsOnThePeerAndIsAnsweredExactly()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();
        var body = Wire.ChatBody(content: "héllo ✓");

        var call = client.PostAsync("/v1/chat/completions", Json(body));
        var frame = await worker.ReceiveTextAsync();
        Assert.Contains($"\"body\":{Wire.Str(body)}", frame, StringComparison.Ordinal); // byte-identical once decoded
        await worker.SendCompleteAsync("request-1", 201, """{"content-type":"application/json","x-trace":"t-1"}""", """{"id":"c-1","text":"ok ✓"}""");

        using var response = await call;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("t-1", Assert.Single(response.Headers.GetValues("x-trace")));
        Assert.Equal("""{"id":"c-1","text":"ok ✓"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains(PeerProtocol.AnswerHeader));
        Assert.Equal("replica-b", Assert.Single(response.Headers.GetValues(PeerProtocol.ServedByHeader))); // the pair turns it on
        Assert.Equal(0, pair.A.Dispatcher.GetSnapshot().TotalQueueDepth);
    }

    [PostgresFact]
    public async Task Streaming_ChunksReachTheClientVerbatimAsTheyArrive()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(Wire.ChatBody(stream: true)) };
        var call = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await worker.ReceiveTextAsync();
        await worker.SendChunkAsync("request-1", "data: {\"n\":\"é\"}\n\n");
        using var response = await call;
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("replica-b", Assert.Single(response.Headers.GetValues(PeerProtocol.ServedByHeader)));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("data: {\"n\":\"é\"}", await reader.ReadLineAsync()); // before the rest exists
        await worker.SendChunkAsync("request-1", "data: [DONE]\n\n");
        await worker.SendCompleteAsync("request-1");

        Assert.Equal("\ndata: [DONE]\n\n", await reader.ReadToEndAsync());
    }

    [PostgresFact]
    public async Task LocalWorkerFree_ServedLocallyAndMarkedSo_NothingForwarded()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (remote, _) = await ScriptedWorker.RegisterAsync(pair.B, "remote");
        await using var _r = remote;
        var (local, _) = await ScriptedWorker.RegisterAsync(pair.A, "local");
        await using var _l = local;
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();

        var call = client.PostAsync("/v1/chat/completions", Json(Wire.ChatBody()));
        await local.ReceiveTextAsync();
        await local.SendCompleteAsync("request-1", 200, "{}", "local");

        using var response = await call;
        Assert.Equal("local", await response.Content.ReadAsStringAsync());
        Assert.Equal("replica-a", Assert.Single(response.Headers.GetValues(PeerProtocol.ServedByHeader)));
        await remote.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
    }

    [PostgresFact]
    public async Task PeerWorkerLostBeforeFirstByte_RequeuedAndServedByTheNextFreeWorker()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (first, _) = await ScriptedWorker.RegisterAsync(pair.B, "first");
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();
        var call = client.PostAsync("/v1/chat/completions", Json(Wire.ChatBody()));
        await first.ReceiveTextAsync();
        var (second, _) = await ScriptedWorker.RegisterAsync(pair.B, "second");
        await using var _s = second;

        first.Abort(); // B answers worker-lost; A requeues (one attempt used) and forwards again
        await first.DisposeAsync();
        await second.ReceiveTextAsync();
        await second.SendCompleteAsync("request-2", 200, "{}", "from second");

        using var response = await call;
        Assert.Equal((HttpStatusCode.OK, "from second"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [PostgresFact]
    public async Task ClientLeavesWhileForwarded_ThePeersWorkerGetsACancelAndItsSlotIsFree()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();
        using var leave = new CancellationTokenSource();

        var call = client.PostAsync("/v1/chat/completions", Json(Wire.ChatBody()), leave.Token);
        await worker.ReceiveTextAsync();
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync());
        await ProxyTestHost.EventuallyAsync(() => Task.FromResult(pair.A.Dispatcher.GetSnapshot().TotalQueueDepth == 0 && pair.B.Dispatcher.GetSnapshot().Workers.Single().InFlight == 0), "slot freed on B");
    }

    [PostgresFact]
    public async Task PeerLeavesTheViewBeforeAnswering_ForwardAbortedAndRequeued_ServedWhenItIsBack()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();
        var call = client.PostAsync("/v1/chat/completions", Json(Wire.ChatBody()));
        await worker.ReceiveTextAsync(); // B's request-1, not answered

        // Gone from the directory as if its heartbeat had expired. B's writes are held back until A has noticed: had
        // B's next heartbeat written the row again before A's next directory read, A would never have seen it go.
        await postgres.Server.ExecuteAsync(pair.DatabaseName, """
            CREATE FUNCTION test_hold_b() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.replica_id = 'replica-b' THEN RETURN NULL; END IF; RETURN NEW; END $$;
            CREATE TRIGGER test_hold_b BEFORE INSERT OR UPDATE ON rxrelay_replicas FOR EACH ROW EXECUTE FUNCTION test_hold_b();
            DELETE FROM rxrelay_replicas WHERE replica_id = 'replica-b';
            """);

        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync()); // A aborted its call
        await postgres.Server.ExecuteAsync(pair.DatabaseName, "DROP TRIGGER test_hold_b ON rxrelay_replicas"); // B writes its row again at its next heartbeat
        var again = await worker.ReceiveTextAsync();
        Assert.Contains("\"request_id\":\"request-2\"", again, StringComparison.Ordinal);
        await worker.SendCompleteAsync("request-2", 200, "{}", "second try");

        using var response = await call;
        Assert.Equal((HttpStatusCode.OK, "second try"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [PostgresFact]
    public async Task PeerWorkerFailsMidStream_ClientGetsTheSseErrorOnce_NothingReplayed()
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await pair.BOfferSeenByAAsync();
        using var client = pair.A.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(Wire.ChatBody(stream: true)) };
        var call = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await worker.ReceiveTextAsync();
        await worker.SendChunkAsync("request-1", "data: a\n\n");
        using var response = await call;

        worker.Abort();
        await worker.DisposeAsync();

        Assert.Equal(
            "data: a\n\nevent: error\ndata: {\"error\":{\"type\":\"worker_disconnected\",\"message\":\"worker disconnected mid-stream\"}}\n\n",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(0, pair.A.Dispatcher.GetSnapshot().TotalQueueDepth);
    }
}
