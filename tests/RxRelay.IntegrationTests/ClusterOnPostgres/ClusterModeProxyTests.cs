using System.Diagnostics;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Database;
using RxRelay.Proxy.Dispatch;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ClusterOnPostgres;

/// <summary>The directory inside a real proxy: registered with <c>--peer-listen</c> only, fed by the real dispatcher.</summary>
[Collection(PostgresTests.Name)]
public sealed class ClusterModeProxyTests(SharedPostgres postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private PostgresServer Server => postgres.Server;

    [PostgresFact]
    public async Task ClusterMode_WorkerRegisters_OfferWrittenWithinOneSecond_RowDeletedAtStop()
    {
        var database = await Server.CreateDatabaseAsync();
        var connectionString = DatabaseUrl.Parse(Server.Url(database)).Value!;
        var host = await ProxyTestHost.StartAsync(o => o with
        {
            DatabaseConnectionString = connectionString,
            Cluster = new ClusterOptions { PeerListen = "127.0.0.1:0", PeerUrl = "http://127.0.0.1:7070", PeerSecret = "0123456789abcdef", ReplicaId = "proxy-0", DrainDelay = TimeSpan.Zero },
        });
        var expected = new ReplicaOffer([new ModelLoad(ProxyTestHost.Provider, ScriptedWorker.Model, 1, 2, 0, 0, 2)]);
        try
        {
            Assert.Equal(ReplicaOffer.Empty, await OfferAsync(database));

            var clock = Stopwatch.StartNew();
            var (worker, _) = await ScriptedWorker.RegisterAsync(host, max: 2);
            await using (worker)
            {
                while (!expected.Equals(await OfferAsync(database)) && clock.Elapsed < Bound)
                {
                    await Task.Delay(20);
                }

                Assert.Equal(expected, await OfferAsync(database));
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"offer written after {clock.Elapsed.TotalMilliseconds:0} ms");
                Assert.Equal(
                    "http://127.0.0.1:7070 active 1",
                    await Server.ScalarAsync<string>(database, "SELECT peer_url || ' ' || state || ' ' || offer_version FROM rxrelay_replicas WHERE replica_id = 'proxy-0'"));
            }
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.Equal(0L, await Server.ScalarAsync<long>(database, "SELECT count(*) FROM rxrelay_replicas"));
    }

    [PostgresFact]
    public async Task SingleReplicaMode_WithDatabase_NoDirectoryTable()
    {
        var database = await Server.CreateDatabaseAsync();
        var connectionString = DatabaseUrl.Parse(Server.Url(database)).Value!;
        await using (await ProxyTestHost.StartAsync(o => o with { DatabaseConnectionString = connectionString }))
        {
            Assert.False(await Server.ScalarAsync<bool>(database, "SELECT to_regclass('rxrelay_replicas') IS NOT NULL"));
            Assert.True(await Server.ScalarAsync<bool>(database, "SELECT to_regclass('server_api_keys') IS NOT NULL"));
        }
    }

    private async Task<ReplicaOffer?> OfferAsync(string database) =>
        ReplicaOffer.Parse(await Server.ScalarAsync<string>(database, "SELECT offer::text FROM rxrelay_replicas WHERE replica_id = 'proxy-0'"));
}
