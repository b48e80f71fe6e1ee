using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Upstream's <c>worker_socket.rs</c> (docs/differences-from-upstream.md#upstream-tests-server), over real
/// sockets (HTTP stands in for the "[hook] submit" steps).
/// </summary>
public sealed partial class WorkerSocketTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Connect_AuthenticatedWorker_FirstFrameIsExactRegisterAck()
    {
        await using var host = await ProxyTestHost.StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri());

        await worker.SendRegisterAsync("gpu-box-a", ["llama-3.1-70b", " mistral-large "], 2);

        Assert.Equal(Wire.Ack("worker-1", "\"llama-3.1-70b\",\"mistral-large\""), await worker.ReceiveTextAsync());
        using var client = host.CreateClient();
        Assert.Equal(
            """{"object":"list","data":[{"id":"llama-3.1-70b","object":"model","owned_by":"worker-proxy"},{"id":"mistral-large","object":"model","owned_by":"worker-proxy"}]}""",
            await client.GetStringAsync("/v1/models"));
    }

    [Fact]
    public async Task Connect_MismatchedProtocolVersion_Closes1002WithoutRegistering()
    {
        await using var host = await ProxyTestHost.StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri());

        await worker.SendRegisterAsync("gpu-box-a", ["llama-3.1-70b"], 1, "katamari-pre-release");

        Assert.Equal((1002, "worker registration protocol error"), await worker.ReceiveCloseAsync());
        Assert.Equal(0, await host.WorkerCountAsync());
    }

    [Fact]
    public async Task Connect_WrongSecret_HandshakeSucceedsThenCloses1008()
    {
        await using var host = await ProxyTestHost.StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri(), "wrong-secret");

        Assert.Equal((1008, "worker authentication failed"), await worker.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Connect_UnknownProviderWithStaticSecret_Closes1008()
    {
        await using var host = await ProxyTestHost.StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri("anthropic"));

        Assert.Equal((1008, "worker authentication failed"), await worker.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Connect_ThreeFailures_RateLimitedUntilCooldownExpires()
    {
        // The 250 ms failed-auth window runs on virtual time: three failures "within 250 ms of each
        // other" must not depend on how fast a loaded box completes three handshakes.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ProxyTestHost.StartAsync(time: time);
        for (var i = 0; i < 3; i++)
        {
            await using var bad = await ScriptedWorker.ConnectAsync(host.WorkerUri(), "wrong-secret");
            Assert.Equal((1008, "worker authentication failed"), await bad.ReceiveCloseAsync());
        }

        await using (var blocked = await ScriptedWorker.ConnectAsync(host.WorkerUri()))
        {
            Assert.Equal((1008, "worker authentication temporarily rate limited"), await blocked.ReceiveCloseAsync());
        }

        time.Advance(TimeSpan.FromMilliseconds(300));
        var (worker, ack) = await ScriptedWorker.RegisterAsync(host);
        await using var _ = worker;
        Assert.Equal(Wire.Ack("worker-1"), ack);
    }

    [Fact]
    public async Task Connect_SecretInQueryString_Authenticates()
    {
        await using var host = await ProxyTestHost.StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri(query: "&worker_secret=top-secret"), secret: null);

        await worker.SendRegisterAsync("gpu-box-a", ["llama-3.1-70b"], 1);

        Assert.Equal(Wire.Ack("worker-1"), await worker.ReceiveTextAsync());
    }

    [Fact]
    public async Task Request_FirstInFlight_SecondQueuedUntilResponseComplete()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        var body1 = Wire.ChatBody(content: "one");
        var body2 = Wire.ChatBody(content: "two");
        using var client1 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body1, ("Authorization", "Bearer test-token"), ("X-Trace-Id", "trace-123"));
        Assert.Equal(
            Wire.Request("request-1", body1, headers: """{"authorization":"Bearer test-token","content-type":"application/json","x-trace-id":"trace-123"}"""),
            Wire.WithoutRequestId(await worker.ReceiveTextAsync()));

        using var client2 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body2, ("X-Trace-Id", "trace-456"));
        await worker.AssertSilentAsync(Quiet);
        Assert.Equal(1, await host.QueueDepthAsync());

        await worker.SendCompleteAsync("request-1", body: "done-1");

        Assert.Equal(Wire.Request("request-2", body2, headers: """{"content-type":"application/json","x-trace-id":"trace-456"}"""), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
        Assert.Equal("done-1", (await client1.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task ModelsUpdate_NewlyCompatibleQueuedRequest_IsDispatchedWithoutReconnect()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        var body = Wire.ChatBody("mistral-large");
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body);
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "mistral request queued");

        await worker.SendAsync("""{"type":"models_update","models":["llama-3.1-70b","mistral-large"],"current_load":0}""");

        Assert.Equal(Wire.Request("request-1", body, model: "mistral-large"), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
    }

    [Fact]
    public async Task ResponseChunk_Streaming_KeepsSlotUntilResponseComplete()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        var body = Wire.ChatBody(stream: true);
        using var client1 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body);
        Assert.Equal(Wire.Request("request-1", body, streaming: true), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
        await worker.SendChunkAsync("request-1", "data: one\n\n");
        await worker.SendChunkAsync("request-1", "data: two\n\n");
        using var client2 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());

        await worker.AssertSilentAsync(Quiet);
        Assert.Equal(1, await host.QueueDepthAsync());
        await worker.SendCompleteAsync("request-1");

        Assert.Contains("\"request_id\":\"request-2\"", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ClientDisconnects_SingleCancelAndSlotFreedAtOnce()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        var client1 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();
        using var client2 = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody(content: "two"));
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "request-2 queued");

        client1.HalfClose();
        client1.Dispose();

        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync());
        // RxRelay frees the slot with the cancel (upstream waits for a response_complete its workers never send).
        Assert.Contains("\"request_id\":\"request-2\"", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
        await worker.AssertSilentAsync(Quiet);
    }

    [Fact]
    public async Task Cancel_RequestTimeout_Answers408AndSendsSingleTimeoutCancel()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { RequestTimeout = TimeSpan.FromMilliseconds(500) });
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();

        var response = await client.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 408 Request Timeout", response.StatusLine);
        Assert.Equal("", response.Body);
        Assert.Equal(Wire.Cancel("request-1", "timeout"), await worker.ReceiveTextAsync());
        await worker.AssertSilentAsync(Quiet);
    }
}
