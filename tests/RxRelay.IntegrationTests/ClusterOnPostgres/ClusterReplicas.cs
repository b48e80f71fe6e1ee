using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Database;

namespace RxRelay.IntegrationTests.ClusterOnPostgres;

/// <summary>In-process replicas on real Kestrel sharing one fresh directory database, each with the admin token.</summary>
internal static class ClusterReplicas
{
    public const string AdminToken = "admin-secret";
    public const string PeerSecret = "peer-secret-0123456789";

    /// <summary>A fresh database: its name (for SQL checks) and its connection string (for replicas).</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(SharedPostgres postgres)
    {
        var name = await postgres.Server.CreateDatabaseAsync("ops");
        return (name, DatabaseUrl.Parse(postgres.Server.Url(name)).Value!);
    }

    /// <summary>
    /// Starts replica <paramref name="replicaId"/> with a real peer listener on a free port, announced as its peer URL,
    /// so the other replicas' forwarders reach it through the directory. No drain delay (every disposal would wait
    /// the default 5 s): a test of the delay sets it back.
    /// </summary>
    public static Task<ProxyTestHost> StartAsync(string connectionString, string replicaId, Func<ProxyOptions, ProxyOptions>? configure = null)
    {
        var port = FreePort.Next();
        return ProxyTestHost.StartAsync(options =>
        {
            var replica = options with
            {
                AdminToken = AdminToken,
                DatabaseConnectionString = connectionString,
                Cluster = new ClusterOptions
                {
                    PeerListen = $"127.0.0.1:{port}", PeerUrl = $"http://127.0.0.1:{port}/", PeerSecret = PeerSecret, ReplicaId = replicaId,
                    DrainDelay = TimeSpan.Zero,
                },
            };
            return configure?.Invoke(replica) ?? replica;
        });
    }

    public static HttpClient AdminClient(ProxyTestHost host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }
}
