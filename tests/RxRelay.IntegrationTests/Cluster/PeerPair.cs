using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Database;
using RxRelay.Proxy.Cluster;

namespace RxRelay.IntegrationTests.Cluster;

/// <summary>
/// Two in-process proxies on real Kestrel, each with a peer listener and the same peer secret: <see cref="A"/>
/// forwards with its <see cref="PeerClient"/>, <see cref="B"/> runs what it is sent on its own workers.
/// </summary>
internal sealed class PeerPair : IAsyncDisposable
{
    public const string PeerSecret = "peer-secret-0123456789";
    public const string RequestId = "0123456789abcdef0123456789abcdef";

    private PeerPair(ProxyTestHost a, ProxyTestHost b)
    {
        A = a;
        B = b;
    }

    public ProxyTestHost A { get; }

    public ProxyTestHost B { get; }

    /// <summary>A's pooled client, as the later queue wiring will use it.</summary>
    public PeerClient Client => A.App.Services.GetRequiredService<PeerClient>();

    /// <summary>B's peer listener port (its second bound address).</summary>
    public int PeerPort => PeerPortOf(B);

    public Uri PeerBase => new($"http://127.0.0.1:{PeerPort}");

    /// <summary>Cluster mode needs the directory's database: both replicas share a fresh one on <paramref name="postgres"/>.</summary>
    public static async Task<PeerPair> StartAsync(SharedPostgres postgres)
    {
        var database = DatabaseUrl.Parse(postgres.Server.Url(await postgres.Server.CreateDatabaseAsync("peers"))).Value!;
        var a = await StartReplicaAsync(database, "replica-a");
        try
        {
            return new PeerPair(a, await StartReplicaAsync(database, "replica-b"));
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    public static int PeerPortOf(ProxyTestHost host) =>
        host.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(address => new Uri(address).Port).Single(port => port != host.Port);

    /// <summary>A client's chat request as A would forward it: the worker headers A chose, 30 s of deadline left.</summary>
    public static PeerEnvelope Envelope(string body, bool stream = false, long? deadlineMs = 30_000, int version = PeerProtocol.Version) => new(
        version, RequestId, ProxyTestHost.Provider, "/v1/chat/completions", ScriptedWorker.Model, stream,
        new SortedDictionary<string, string>(StringComparer.Ordinal) { ["content-type"] = "application/json", ["x-request-id"] = RequestId },
        body, null, deadlineMs);

    /// <summary>The request frame B's worker must receive for <see cref="Envelope"/> (B's own request id).</summary>
    public static string Frame(string localId, string body, bool stream = false) =>
        Wire.Request(localId, body, streaming: stream, headers: $$"""{"content-type":"application/json","x-request-id":"{{RequestId}}"}""");

    public Task<PeerOutcome> ForwardAsync(PeerEnvelope envelope, string secret = PeerSecret, CancellationToken cancellationToken = default) =>
        Client.ForwardAsync(PeerBase, secret, envelope, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    /// <summary>The directory view of <paramref name="host"/>'s replica.</summary>
    public static ClusterDirectory DirectoryOf(ProxyTestHost host) => host.App.Services.GetRequiredService<ClusterDirectory>();

    /// <summary>Waits until A's view shows B offering a free slot for <paramref name="model"/> (B's worker registered and announced).</summary>
    public Task BOfferSeenByAAsync(string model = ScriptedWorker.Model, long free = 1) =>
        ProxyTestHost.EventuallyAsync(
            () => Task.FromResult(DirectoryOf(A).Current.Peers.Any(p => p.ReplicaId == "replica-b" && p.Offer.FreeFor(ProxyTestHost.Provider, model) >= free)),
            $"A sees B offering {free} free slot(s) for {model}");

    // Each replica's peer URL is its real peer listener, so A's forwarder reaches B through the directory.
    private static Task<ProxyTestHost> StartReplicaAsync(string database, string replicaId)
    {
        var port = FreePort.Next();
        return ProxyTestHost.StartAsync(host: b => { if (Environment.GetEnvironmentVariable("DEBUG_PAIR") is not null) b.Logging.AddConsole(); b.Logging.SetMinimumLevel(LogLevel.Debug); }, configure: options => options with
        {
            DatabaseConnectionString = database,
            Cluster = new ClusterOptions { PeerListen = $"127.0.0.1:{port}", PeerUrl = $"http://127.0.0.1:{port}/", PeerSecret = PeerSecret, ReplicaId = replicaId, ServedByHeader = true },
        });
    }
}
