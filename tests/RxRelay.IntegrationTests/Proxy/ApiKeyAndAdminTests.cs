using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Upstream's <c>http_api_keys.rs</c> 1–12 (docs/differences-from-upstream.md#upstream-tests-server) plus the
/// admin check order and status shapes.
/// </summary>
public sealed class ApiKeyAndAdminTests
{
    private const string AdminToken = "admin-secret";

    private static Task<ProxyTestHost> StartAsync(bool requireKeys = false) =>
        ProxyTestHost.StartAsync(o => o with { AdminToken = AdminToken, MaxQueueLength = 0, RequireApiKeys = requireKeys });

    private static HttpClient Admin(ProxyTestHost host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    private static async Task<JsonElement> CreateKeyAsync(HttpClient admin, string name = "test-key")
    {
        var response = await admin.PostAsync("/admin/keys", new StringContent($$"""{"name":"{{name}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<HttpResponseMessage> ChatAsync(ProxyTestHost host, string path = "/v1/chat/completions", string? bearer = null)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Wire.ChatBody(), Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task CreateKey_WithAdminToken_Returns201WithSecretOnce()
    {
        await using var host = await StartAsync();
        using var admin = Admin(host);

        var key = await CreateKeyAsync(admin);

        Assert.Equal(["id", "name", "prefix", "created_at", "last_used_at", "revoked", "secret"], key.EnumerateObject().Select(p => p.Name));
        Assert.Equal("test-key", key.GetProperty("name").GetString());
        Assert.StartsWith("mr_live_", key.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(key.GetProperty("secret").GetString()![..16], key.GetProperty("prefix").GetString());
        Assert.True(key.GetProperty("created_at").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("last_used_at").ValueKind);
        Assert.False(key.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task CreateKey_WithoutAuthorization_Returns403Empty()
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();

        var response = await client.PostAsync("/admin/keys", new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateKey_UnauthenticatedWithBadBody_Returns403BeforeParsing()
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();

        var response = await client.PostAsync("/admin/keys", new StringContent("not json", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain", "{\"name\":\"x\"}", 415)]
    [InlineData("application/json", "{not json", 400)]
    [InlineData("application/json", "{\"name\":7}", 422)]
    public async Task CreateKey_AuthenticatedWithBadBody_ReturnsExtractorStatus(string contentType, string body, int status)
    {
        await using var host = await StartAsync();
        using var admin = Admin(host);

        var response = await admin.PostAsync("/admin/keys", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task ListKeys_TwoKeys_MetadataWithoutSecrets()
    {
        await using var host = await StartAsync();
        using var admin = Admin(host);
        await CreateKeyAsync(admin, "first");
        await CreateKeyAsync(admin, "second");

        var keys = JsonDocument.Parse(await admin.GetStringAsync("/admin/keys")).RootElement.GetProperty("keys");

        Assert.Equal(["first", "second"], keys.EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        Assert.All(keys.EnumerateArray(), k => Assert.Equal(["id", "name", "prefix", "created_at", "last_used_at", "revoked"], k.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task RevokeKey_Existing_Returns204AndListShowsRevoked()
    {
        await using var host = await StartAsync();
        using var admin = Admin(host);
        var id = (await CreateKeyAsync(admin)).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/keys/{id}")).StatusCode);

        Assert.Contains("\"revoked\":true", await admin.GetStringAsync("/admin/keys"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeKey_Unknown_Returns404()
    {
        await using var host = await StartAsync();
        using var admin = Admin(host);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/admin/keys/nonexistent-id")).StatusCode);
    }

    [Fact]
    public async Task Inference_KeysNotRequired_NoKeyGets503NotAuth()
    {
        await using var host = await StartAsync();

        var response = await ChatAsync(host);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("No workers available to handle request\n", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1/responses")]
    public async Task Inference_KeysRequiredNoKey_Returns401Json(string path)
    {
        await using var host = await StartAsync(requireKeys: true);

        var response = await ChatAsync(host, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("""{"error":{"type":"auth_error","message":"API key required"}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Inference_KeysRequiredInvalidKey_Returns401InvalidApiKey()
    {
        await using var host = await StartAsync(requireKeys: true);

        var response = await ChatAsync(host, bearer: "mr_live_invalid_key_here");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":{"type":"auth_error","message":"Invalid API key"}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Inference_KeysRequiredValidKey_PassesAuthThenRevokedKeyFails()
    {
        await using var host = await StartAsync(requireKeys: true);
        using var admin = Admin(host);
        var key = await CreateKeyAsync(admin);
        var secret = key.GetProperty("secret").GetString()!;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ChatAsync(host, bearer: secret)).StatusCode);
        Assert.Contains("\"last_used_at\":1", await admin.GetStringAsync("/admin/keys"), StringComparison.Ordinal);
        await admin.DeleteAsync($"/admin/keys/{key.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await ChatAsync(host, bearer: secret)).StatusCode);
    }

    [Fact]
    public async Task WorkerConnect_ApiKeyAsSecretWhenAllowed_RegistersUnderAnyProvider()
    {
        // Upstream accepts key workers unconditionally; RxRelay only with --allow-api-key-workers (issue 12 item 1).
        await using var host = await ProxyTestHost.StartAsync(o => o with { AdminToken = AdminToken, WorkerSecret = null, AllowApiKeyWorkers = true });
        using var admin = Admin(host);
        var secret = (await CreateKeyAsync(admin)).GetProperty("secret").GetString();
        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri("somebody-else"), secret);

        await worker.SendRegisterAsync("gpu-box-a", ["llama-3.1-70b"], 1);

        Assert.Equal(Wire.Ack("worker-1"), await worker.ReceiveTextAsync());
    }

    [Fact]
    public async Task Admin_NoTokenConfigured_Every403()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "anything");

        foreach (var path in new[] { "/admin/workers", "/admin/stats", "/admin/keys" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task AdminWorkersAndStats_OneWorkerOneQueued_ExactShapes()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { AdminToken = AdminToken });
        var (worker, _) = await ScriptedWorker.RegisterAsync(host, models: ["llama-3.1-70b"]);
        await using var _w = worker;
        using var first = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();
        using var second = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await ProxyTestHost.EventuallyAsync(async () => await host.QueueDepthAsync() == 1, "second request queued");
        using var admin = Admin(host);

        Assert.Equal(
            """{"workers":[{"worker_id":"worker-1","provider":"openai","worker_name":"gpu-box-a","models":["llama-3.1-70b"],"max_concurrent":1,"reported_load":1,"in_flight_count":1,"is_draining":false}]}""",
            await admin.GetStringAsync("/admin/workers"));
        Assert.Equal("""{"queue_depth":{"openai":1},"active_workers":1}""", await admin.GetStringAsync("/admin/stats"));
    }
}
