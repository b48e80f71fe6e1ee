using System.Net;
using System.Net.WebSockets;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ApiKeysOnPostgres;

/// <summary>
/// The database stopped and started again under traffic, on a server of its own (the shared one must stay
/// up): a cached key is served throughout, an unknown key gets upstream's 500, workers still register,
/// the outage is logged once, and everything recovers without a restart.
/// </summary>
public sealed class PostgresOutageTests
{
    [PostgresFact]
    public async Task DatabaseStoppedAndRestarted_CachedKeyServedThroughout_UnknownKey500_RecoversWithoutRestart()
    {
        await using var server = await PostgresServer.StartNewAsync();
        var logs = new FakeLogCollector();
        var cache = new ApiKeyCacheOptions
        {
            ValidFor = TimeSpan.FromMilliseconds(300), // so the cached key goes stale during the outage: stale keys are served while the database is away
            RefreshInterval = TimeSpan.FromMilliseconds(200),
            RetryInterval = TimeSpan.FromMilliseconds(200),
        };
        await using var proxy = await KeyedProxy.StartAsync(server.Url(), cache, logs);
        var (_, cached, _) = await proxy.CreateKeyAsync("cached");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(cached)).Status);

        await server.StopAsync();
        await Task.Delay(cache.ValidFor * 2);
        var unknown = "mr_live_" + new string('u', 32);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(cached)).Status);
            Assert.Equal((HttpStatusCode.InternalServerError, string.Empty), await proxy.UseAsync(unknown + i));
        }

        // Workers with the static secret do not depend on the database.
        await using (var worker = await ScriptedWorker.ConnectAsync(proxy.Host.WorkerUri(), ProxyTestHost.Secret))
        {
            await worker.SendRegisterAsync("during-outage", [ScriptedWorker.Model], 1);
            Assert.StartsWith("""{"type":"register_ack",""", await worker.ReceiveTextAsync(), StringComparison.Ordinal);
        }

        Assert.Single(logs.GetSnapshot(), r => r.Message.Contains("unreachable", StringComparison.Ordinal));

        await server.StartAsync();
        await ProxyTestHost.EventuallyAsync(
            async () => (await proxy.UseAsync(unknown)).Status == HttpStatusCode.Unauthorized, "unknown key refused by a database that answers again");
        var (_, created, _) = await proxy.CreateKeyAsync("after-outage");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(created)).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(cached)).Status);
        var snapshot = logs.GetSnapshot();
        Assert.Single(snapshot, r => r.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.Single(snapshot, r => r.Message.Contains("reachable again", StringComparison.Ordinal));
    }

    // A key's own creation is announced to every proxy, the one that created it included, and that announcement
    // can arrive after the creating proxy cached the key. It used to drop the key again: a database outage right
    // after it then refused the key with 500. The announcement is replayed here, after the key is cached.
    [PostgresFact]
    public async Task KeyCreatedHere_ItsCreationAnnouncedAfterItWasCached_StaysServedWhenTheDatabaseGoes()
    {
        await using var server = await PostgresServer.StartNewAsync();
        await using var proxy = await KeyedProxy.StartAsync(server.Url());
        var (id, secret, _) = await proxy.CreateKeyAsync("created-here");
        var (probeId, probe, _) = await proxy.CreateKeyAsync("probe");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(secret)).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(probe)).Status);

        await server.ExecuteAsync("postgres", $"SELECT pg_notify('{ApiKeySchema.Channel}', 'insert {id} {ApiKeyGenerator.Hash(secret)}')");
        await server.ExecuteAsync("postgres", $"UPDATE server_api_keys SET revoked_at = now() WHERE id = '{probeId}'");
        await proxy.TimeUntilAsync(probe, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10)); // announced after the replay: both heard
        await server.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(secret)).Status);
    }

    [PostgresFact]
    public async Task DatabaseDown_KeyWorkerGetsCloseWith1011_NotAnAuthFailure()
    {
        await using var server = await PostgresServer.StartNewAsync();
        var connectionString = RxRelay.Proxy.Database.DatabaseUrl.Parse(server.Url()).Value!;
        await using var host = await ProxyTestHost.StartAsync(o => o with { DatabaseConnectionString = connectionString, AllowApiKeyWorkers = true });
        await server.StopAsync();

        await using var worker = await ScriptedWorker.ConnectAsync(host.WorkerUri(), "mr_live_" + new string('w', 32));
        var close = await worker.ReceiveCloseAsync();

        Assert.Equal(((int)WebSocketCloseStatus.InternalServerError, "worker authentication unavailable"), close);
    }
}
