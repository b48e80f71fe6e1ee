using System.Diagnostics;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Cluster;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ClusterOnPostgres;

/// <summary>
/// SIGTERM in cluster mode, for real (in-process host on Kestrel, directory in PostgreSQL): the row turns
/// <c>draining</c> at once and <c>/health</c> answers 503, requests are still served for the drain delay, the worker
/// is drained while a late request is still accepted and forwarded to a peer, and the row goes last.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class RollingDeployTests(SharedPostgres postgres)
{
    /// <summary>The default, <see cref="ClusterOptions.DefaultDrainDelaySeconds"/>: the test leaves <c>--drain-delay</c> unset.</summary>
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(5);

    /// <summary>A real-time timer may fire up to a clock tick (about 1 ms) before its due time by the stopwatch.</summary>
    private static readonly TimeSpan TimerGranularity = TimeSpan.FromMilliseconds(15);

    [PostgresFact]
    public async Task StopAsync_ClusterMode_DrainingThenServedDuringDelayThenLateRequestForwardedThenRowGone()
    {
        var (name, database) = await ClusterReplicas.CreateDatabaseAsync(postgres);
        await using var b = await ClusterReplicas.StartAsync(database, "replica-b");
        var a = await ClusterReplicas.StartAsync(
            database, "replica-a", o => o with { ShutdownTimeout = TimeSpan.FromSeconds(10), Cluster = o.Cluster with { DrainDelay = null } });
        await using var _a = a;
        var (worker, _) = await ScriptedWorker.RegisterAsync(a, max: 2);
        await using var _w = worker;
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        await ProxyTestHost.EventuallyAsync(async () => (await clientB.GetStringAsync("/health")).Contains("""{"replica_id":"replica-a","state":"active","models":[{"model":"llama-3.1-70b","workers":1,"capacity":2,"free":2}]}""", StringComparison.Ordinal), "B sees A");

        var clock = Stopwatch.StartNew();
        var stopping = a.App.StopAsync();

        await ProxyTestHost.EventuallyAsync(async () => await StateAsync(name) == "draining", "row draining", seconds: 2);
        var health = await clientA.GetAsync("/health");
        Assert.Equal(503, (int)health.StatusCode);
        Assert.StartsWith("""{"status":"draining",""", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"cluster\":{\"replica_id\":\"replica-a\",\"state\":\"draining\",", await (await clientA.GetAsync("/health")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var served = await RawHttp.PostAsync(a.Port, "/v1/chat/completions", Wire.ChatBody()))
        {
            Assert.Contains("\"request-1\"", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
            await worker.SendCompleteAsync("request-1", 200, """{"content-type":"application/json"}""", "{\"n\":1}");
            Assert.Equal("{\"n\":1}", (await served.ReadResponseAsync()).Body);
        }

        using var inFlight = await RawHttp.PostAsync(a.Port, "/v1/chat/completions", Wire.ChatBody(content: "two"));
        Assert.Contains("\"request-2\"", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
        var servedUntil = clock.Elapsed;
        await ProxyTestHost.EventuallyAsync(async () => (await clientB.GetStringAsync("/health")).Contains("""{"replica_id":"replica-a","state":"draining",""", StringComparison.Ordinal), "B sees A draining", seconds: 2);

        Assert.Equal("""{"type":"graceful_shutdown","reason":"proxy server shutting down","drain_timeout_secs":10}""", await worker.ReceiveTextAsync(TimeSpan.FromSeconds(15)));
        var drainedAt = clock.Elapsed;
        var (peerWorker, _) = await ScriptedWorker.RegisterAsync(b, "moved"); // where A's worker would reconnect to
        await using (peerWorker)
        using (var late = await RawHttp.PostAsync(a.Port, "/v1/chat/completions", Wire.ChatBody(content: "three")))
        {
            var forwarded = await peerWorker.ReceiveTextAsync(); // queued on A (its worker drains), forwarded to B
            Assert.Contains("three", forwarded, StringComparison.Ordinal);
            await peerWorker.SendCompleteAsync("request-1", 200, """{"content-type":"application/json"}""", "{\"n\":3}");
            Assert.Equal("{\"n\":3}", (await late.ReadResponseAsync()).Body);
        }

        Assert.Equal("draining", await StateAsync(name));
        await worker.SendCompleteAsync("request-2", 200, """{"content-type":"application/json"}""", "{\"n\":2}");
        Assert.Equal("{\"n\":2}", (await inFlight.ReadResponseAsync()).Body);
        Assert.Equal((1000, "graceful shutdown complete"), await worker.ReceiveCloseAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Null(await StateAsync(name));
        Assert.True(servedUntil < DrainDelay, $"requests served until {servedUntil.TotalMilliseconds:0} ms, inside the delay");
        Assert.True(drainedAt >= DrainDelay - TimerGranularity, $"drain began after {drainedAt.TotalMilliseconds:0} ms, before the {DrainDelay.TotalSeconds} s delay");
        await ProxyTestHost.EventuallyAsync(async () => !(await clientB.GetStringAsync("/health")).Contains("replica-a", StringComparison.Ordinal), "B forgets A", seconds: 3);
    }

    private async Task<string?> StateAsync(string database) =>
        await postgres.Server.ScalarAsync<string?>(database, "SELECT state FROM rxrelay_replicas WHERE replica_id = 'replica-a'");
}
