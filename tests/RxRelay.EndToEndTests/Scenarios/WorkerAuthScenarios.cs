using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// Worker authentication: rate-limit recovery (upstream's live_backend.rs 16) and API-key workers
/// (http_worker_daemon.rs 13; docs/differences-from-upstream.md#upstream-tests).
/// </summary>
public sealed class WorkerAuthScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task ThreeBadSecrets_RateLimitThenAfterCooldownWorkerRegistersAndServes()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());

        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal((WebSocketCloseStatus.PolicyViolation, "worker authentication failed"),
                await RawWorkerSocket.ConnectAndReadCloseAsync(cluster.ProxyUrl, "wrong-secret"));
        }

        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "worker authentication temporarily rate limited"),
            await RawWorkerSocket.ConnectAndReadCloseAsync(cluster.ProxyUrl, ProxySettings.Secret));
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));
        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"path":"/v1/chat/completions"}""", body);
    }

    [Fact]
    public async Task WorkerWithApiKeyAsSecret_AllowedNoStaticSecret_RegistersAndServesItsKeyWithoutForwardingIt()
    {
        // RxRelay: key workers are opt-in and serve only their own key's requests (issue 12 item 1).
        await using var cluster = await RelayCluster.StartAsync(
            output, new ProxySettings { WorkerSecret = null, AdminToken = "admin-secret", RequireApiKeys = true, AllowApiKeyWorkers = true });
        var backend = cluster.Own(await MockBackend.StartAsync());
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/keys")
        {
            Content = new StringContent("""{"name":"gpu-box"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using var created = await cluster.Http.SendAsync(create).WaitAsync(Bounds.Prompt);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var secret = key.RootElement.GetProperty("secret").GetString()!;
        Assert.StartsWith("mr_live_", secret, StringComparison.Ordinal);

        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress) with { Secret = secret });
        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false), [("Authorization", "Bearer " + secret)]);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"path":"/v1/chat/completions"}""", body);
        var call = Assert.Single(backend.Calls);
        Assert.Equal(Bodies.Chat(stream: false), call.Body);
        Assert.False(call.Headers.ContainsKey("authorization"));
    }
}
