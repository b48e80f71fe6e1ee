using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.ApiKeys;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Issue 12 item 1 on real Kestrel: a client API key opens a worker socket only with
/// <c>--allow-api-key-workers</c>, and such a worker sees only its own key's requests; the proxy's client
/// key never reaches a worker.
/// </summary>
public sealed class ApiKeyWorkerTests
{
    private const string Body = """{"model":"llama-3.1-70b","messages":[{"role":"user","content":"hello"}]}""";

    private static string CreateKey(ProxyTestHost host, string name) =>
        host.App.Services.GetRequiredService<IApiKeyStore>().CreateAsync(name, CancellationToken.None).GetAwaiter().GetResult().Secret;

    private static Task<RawHttp> PostAsync(ProxyTestHost host, string? key, params (string Name, string Value)[] extra) =>
        RawHttp.PostAsync(host.Port, "/v1/chat/completions", Body, key is null ? extra : [("Authorization", "Bearer " + key), .. extra]);

    private static async Task<FakeWorkerSocket> RegisterAsync(ProxyTestHost host, string secret, string name, uint max)
    {
        var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri(), secret);
        await worker.SendRegisterAsync(name, [ScriptedWorker.Model], max);
        Assert.StartsWith("""{"type":"register_ack",""", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
        return worker;
    }

    [Fact]
    public async Task Connect_ValidApiKeyByDefault_Closed1008LikeAWrongSecret()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var key = CreateKey(host, "client");
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri(), key);

        Assert.Equal(((int)WebSocketCloseStatus.PolicyViolation, "worker authentication failed"), await worker.ReceiveCloseAsync());
        Assert.Equal(0, await host.WorkerCountAsync());
    }

    [Fact]
    public async Task Connect_ThreeValidApiKeysByDefault_CountedThenRightSecretIsRateLimited()
    {
        // A clock that never moves: the three failures are always inside the limiter's window.
        await using var host = await ProxyTestHost.StartAsync(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var key = CreateKey(host, "client");
        for (var i = 0; i < 3; i++)
        {
            await using var guess = await ScriptedWorker.ConnectAsync(host.WorkerUri(), key);
            Assert.Equal(((int)WebSocketCloseStatus.PolicyViolation, "worker authentication failed"), await guess.ReceiveCloseAsync());
        }

        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri(), ProxyTestHost.Secret);

        Assert.Equal(((int)WebSocketCloseStatus.PolicyViolation, "worker authentication temporarily rate limited"), await worker.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Submit_TenRequestsOfAnotherKey_NoneReachTheKeyWorkerAllGoToTheSharedOne()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { AllowApiKeyWorkers = true, RequireApiKeys = true });
        await using var keyWorker = await RegisterAsync(host, CreateKey(host, "tenant-k"), "tenant-box", max: 10);
        await using var shared = await RegisterAsync(host, ProxyTestHost.Secret, "shared-box", max: 10);
        var otherKey = CreateKey(host, "tenant-k2");

        var clients = new List<RawHttp>();
        for (var i = 0; i < 10; i++)
        {
            clients.Add(await PostAsync(host, otherKey));
        }

        await ProxyTestHost.EventuallyAsync(
            () => Task.FromResult(host.Dispatcher.GetSnapshot().Workers.Sum(w => w.InFlight) == 10), "10 requests assigned");
        Assert.Equal([("worker-1", 0), ("worker-2", 10)], host.Dispatcher.GetSnapshot().Workers.Select(w => (w.WorkerId, w.InFlight)));
        for (var i = 0; i < 10; i++)
        {
            var id = System.Text.Json.JsonDocument.Parse(await shared.ReceiveTextAsync()).RootElement.GetProperty("request_id").GetString()!;
            await shared.SendCompleteAsync(id, body: "from shared");
        }

        foreach (var client in clients)
        {
            using var _ = client;
            var response = await client.ReadResponseAsync();
            Assert.Equal((200, "from shared"), (response.Status, response.Body));
        }

        await keyWorker.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Submit_OwnKey_KeyWorkerServesItWithoutTheProxyKeyInTheFrame()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { AllowApiKeyWorkers = true, RequireApiKeys = true });
        var key = CreateKey(host, "tenant-k");
        await using var keyWorker = await RegisterAsync(host, key, "tenant-box", max: 1);

        using var client = await PostAsync(host, key, ("X-Api-Key", key), ("X-Trace-Id", "trace-123"));

        Assert.Equal(
            Wire.Request("request-1", Body, headers: """{"content-type":"application/json","x-trace-id":"trace-123"}"""),
            Wire.WithoutRequestId(await keyWorker.ReceiveTextAsync()));
        await keyWorker.SendCompleteAsync("request-1", body: "from tenant box");
        var response = await client.ReadResponseAsync();
        Assert.Equal((200, "from tenant box"), (response.Status, response.Body));
    }

    [Fact]
    public async Task Submit_KeysOptionalAndNoKey_WaitsForASharedWorkerNeverTheKeyWorker()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { AllowApiKeyWorkers = true });
        await using var keyWorker = await RegisterAsync(host, CreateKey(host, "tenant-k"), "tenant-box", max: 10);

        using var client = await PostAsync(host, key: null);
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "request queued");
        await keyWorker.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
        await using var shared = await RegisterAsync(host, ProxyTestHost.Secret, "shared-box", max: 1);

        Assert.Equal(Wire.Request("request-1", Body), Wire.WithoutRequestId(await shared.ReceiveTextAsync()));
        await keyWorker.AssertSilentAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Submit_KeysOptionalWithTheWorkersKey_ServedByTheKeyWorker()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { AllowApiKeyWorkers = true });
        var key = CreateKey(host, "tenant-k");
        await using var keyWorker = await RegisterAsync(host, key, "tenant-box", max: 1);

        using var client = await PostAsync(host, key);

        Assert.Equal(Wire.Request("request-1", Body), Wire.WithoutRequestId(await keyWorker.ReceiveTextAsync()));
    }
}
