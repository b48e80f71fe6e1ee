using System.Text.RegularExpressions;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ClusterOnPostgres;

/// <summary>
/// <c>/v1/models</c>, <c>/health</c> and <c>/admin/*</c> in cluster mode: two replicas on real Kestrel and a real
/// directory in PostgreSQL, each with its own workers; every answer is checked once the directory has converged.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed partial class ClusterSurfaceTests(SharedPostgres postgres)
{
    private const string PeerB = """{"replica_id":"replica-b","state":"active","models":[{"model":"m-b","workers":1,"capacity":2,"free":2},{"model":"shared","workers":1,"capacity":2,"free":2}]}""";

    [GeneratedRegex("\"uptime_secs\":[0-9.eE+-]+")]
    private static partial Regex Uptime();

    [GeneratedRegex("\"offer_version\":[0-9]+")]
    private static partial Regex OfferVersion();

    private static string Version => RxRelay.Proxy.Health.HealthEndpoint.Version;

    [PostgresFact]
    public async Task ModelsHealthAdmin_TwoReplicas_ClusterWideAndIdentical()
    {
        var (_, database) = await ClusterReplicas.CreateDatabaseAsync(postgres);
        await using var a = await ClusterReplicas.StartAsync(database, "replica-a");
        await using var b = await ClusterReplicas.StartAsync(database, "replica-b");
        var (onA, _) = await ScriptedWorker.RegisterAsync(a, "box-a", ["zeta", "shared", "*"], 1);
        var (onB, _) = await ScriptedWorker.RegisterAsync(b, "box-b", ["shared", "m-b"], 2);
        await using var _a = onA;
        await using var _b = onB;
        using var clientA = ClusterReplicas.AdminClient(a);
        using var clientB = ClusterReplicas.AdminClient(b);
        const string models = """{"object":"list","data":[{"id":"m-b","object":"model","owned_by":"worker-proxy"},{"id":"shared","object":"model","owned_by":"worker-proxy"},{"id":"zeta","object":"model","owned_by":"worker-proxy"}]}""";

        await ProxyTestHost.EventuallyAsync(async () => await clientA.GetStringAsync("/v1/models") == models, "A lists the whole cluster");
        await ProxyTestHost.EventuallyAsync(async () => await clientB.GetStringAsync("/v1/models") == models, "B lists the same");

        var health = await clientA.GetAsync("/health");
        Assert.Equal(200, (int)health.StatusCode);
        Assert.Equal(
            $$$"""{"status":"ok","version":"{{{Version}}}","workers_connected":1,"queue_depth":0,"uptime_secs":U,"workers":[{"id":"worker-1","provider":"openai","models":["zeta","shared","*"],"in_flight":0,"max_concurrent":1,"is_draining":false}],"models_provider":"openai","cluster":{"replica_id":"replica-a","state":"active","peers":[{{{PeerB}}}]}}""",
            Uptime().Replace(await health.Content.ReadAsStringAsync(), "\"uptime_secs\":U"));

        var peerBDetail = $$"""{"replica_id":"replica-b","state":"active","peer_url":"http://127.0.0.1:{{Cluster.PeerPair.PeerPortOf(b)}}/","offer_version":V,"models":[{"provider":"openai","model":"m-b","workers":1,"capacity":2,"in_flight":0,"queued":0,"free":2},{"provider":"openai","model":"shared","workers":1,"capacity":2,"in_flight":0,"queued":0,"free":2}]}""";
        Assert.Equal(
            $$$"""{"queue_depth":{},"active_workers":1,"cluster":{"replica_id":"replica-a","state":"active","peers":[{{{peerBDetail}}}]}}""",
            OfferVersion().Replace(await clientA.GetStringAsync("/admin/stats?scope=cluster"), "\"offer_version\":V"));
        Assert.Equal(
            $$$"""{"workers":[{"worker_id":"worker-1","provider":"openai","worker_name":"box-a","models":["zeta","shared","*"],"max_concurrent":1,"reported_load":0,"in_flight_count":0,"is_draining":false}],"cluster":{"replica_id":"replica-a","state":"active","peers":[{{{peerBDetail}}}]}}""",
            OfferVersion().Replace(await clientA.GetStringAsync("/admin/workers?scope=cluster"), "\"offer_version\":V"));
    }

    [PostgresFact]
    public async Task Admin_ClusterModeWithoutScopeOrLocal_SingleReplicaAnswer_BadScope400()
    {
        var (_, database) = await ClusterReplicas.CreateDatabaseAsync(postgres);
        await using var a = await ClusterReplicas.StartAsync(database, "replica-a");
        using var client = ClusterReplicas.AdminClient(a);

        Assert.Equal("""{"queue_depth":{},"active_workers":0}""", await client.GetStringAsync("/admin/stats"));
        Assert.Equal("""{"queue_depth":{},"active_workers":0}""", await client.GetStringAsync("/admin/stats?scope=local"));
        Assert.Equal("""{"workers":[]}""", await client.GetStringAsync("/admin/workers?scope=local"));
        foreach (var path in new[] { "/admin/stats?scope=everything", "/admin/workers?scope=cluster&scope=local" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(400, (int)response.StatusCode);
            Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.Equal("scope must be 'local' or 'cluster'\n", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task AdminAndHealth_SingleReplicaMode_ScopeIgnoredNoClusterObject()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { AdminToken = ClusterReplicas.AdminToken });
        using var client = ClusterReplicas.AdminClient(host);

        Assert.Equal("""{"queue_depth":{},"active_workers":0}""", await client.GetStringAsync("/admin/stats?scope=cluster"));
        Assert.Equal("""{"workers":[]}""", await client.GetStringAsync("/admin/workers?scope=bogus"));
        Assert.DoesNotContain("cluster", await client.GetStringAsync("/health"), StringComparison.Ordinal);
    }
}
