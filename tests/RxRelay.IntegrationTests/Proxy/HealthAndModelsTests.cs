using System.Text.RegularExpressions;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Upstream's <c>http_health.rs</c> and <c>http_models.rs</c>
/// (docs/differences-from-upstream.md#upstream-tests-server).
/// </summary>
public sealed partial class HealthAndModelsTests
{
    [GeneratedRegex("\"uptime_secs\":[0-9.eE+-]+")]
    private static partial Regex Uptime();

    private static string WithoutUptime(string json) => Uptime().Replace(json, "\"uptime_secs\":U");

    private static string Version => RxRelay.Proxy.Health.HealthEndpoint.Version;

    [Fact]
    public async Task Health_NoWorkers_OkWithoutWorkersField()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            $$"""{"status":"ok","version":"{{Version}}","workers_connected":0,"queue_depth":0,"uptime_secs":U,"models_provider":"openai"}""",
            WithoutUptime(await response.Content.ReadAsStringAsync()));
        Assert.NotEmpty(Version);
    }

    [Fact]
    public async Task Health_TwoWorkers_ListsThemInRegistrationOrder()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (a, _) = await ScriptedWorker.RegisterAsync(host);
        var (b, _) = await ScriptedWorker.RegisterAsync(host, "gpu-box-b", ["gpt-oss-120b"], 2);
        await using var _a = a;
        await using var _b = b;
        using var client = host.CreateClient();

        var body = WithoutUptime(await client.GetStringAsync("/health"));

        Assert.Equal(
            $$"""{"status":"ok","version":"{{Version}}","workers_connected":2,"queue_depth":0,"uptime_secs":U,"workers":[{"id":"worker-1","provider":"openai","models":["llama-3.1-70b"],"in_flight":0,"max_concurrent":1,"is_draining":false},{"id":"worker-2","provider":"openai","models":["gpt-oss-120b"],"in_flight":0,"max_concurrent":2,"is_draining":false}],"models_provider":"openai"}""",
            body);
    }

    [Fact]
    public async Task Health_WorkerDisconnects_CountDropsToZero()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        using var client = host.CreateClient();
        Assert.Contains("\"workers_connected\":1", await client.GetStringAsync("/health"), StringComparison.Ordinal);

        await worker.CloseAsync();
        await worker.DisposeAsync();

        await ProxyTestHost.EventuallyAsync(
            async () => (await client.GetStringAsync("/health")).Contains("\"workers_connected\":0,", StringComparison.Ordinal), "worker gone from /health");
    }

    [Fact]
    public async Task Models_DuplicateModels_ExactOpenAiShapeOnce()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host, models: ["llama-3.1-70b", "mistral-large", "llama-3.1-70b"]);
        await using var _w = worker;
        using var client = host.CreateClient();

        Assert.Equal(
            """{"object":"list","data":[{"id":"llama-3.1-70b","object":"model","owned_by":"worker-proxy"},{"id":"mistral-large","object":"model","owned_by":"worker-proxy"}]}""",
            await client.GetStringAsync("/v1/models"));
    }

    [Fact]
    public async Task Models_UpdatesAndDisconnects_TrackedWithoutStaleEntries()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (a, _) = await ScriptedWorker.RegisterAsync(host, models: ["llama-3.1-70b"]);
        var (b, _) = await ScriptedWorker.RegisterAsync(host, "gpu-box-b", ["mistral-large"]);
        await using var _b = b;
        using var client = host.CreateClient();
        async Task<string> Ids() => string.Join(",", Regex.Matches(await client.GetStringAsync("/v1/models"), "\"id\":\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        Assert.Equal("llama-3.1-70b,mistral-large", await Ids());

        await a.SendAsync("""{"type":"models_update","models":["llama-3.1-70b","gpt-oss-120b"],"current_load":0}""");
        await b.SendAsync("""{"type":"models_update","models":["gpt-oss-120b"],"current_load":0}""");
        await ProxyTestHost.EventuallyAsync(async () => await Ids() == "llama-3.1-70b,gpt-oss-120b", "updated catalog");

        await a.CloseAsync();
        await a.DisposeAsync();
        await ProxyTestHost.EventuallyAsync(async () => await Ids() == "gpt-oss-120b", "catalog after disconnect");
    }
}
