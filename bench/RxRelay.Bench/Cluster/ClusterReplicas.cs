using System.Globalization;
using RxRelay.Bench.Load;
using RxRelay.Bench.Targets;
using RxRelay.Testing.Databases;

namespace RxRelay.Bench.Cluster;

/// <summary>
/// Two <c>rxrelay-proxy</c> replicas in cluster mode on one throwaway PostgreSQL: <see cref="Serving"/> (B) has the
/// bench worker in front of the echo backend, exactly as the <c>rxrelay</c> target; <see cref="Forwarding"/> (A) has
/// no worker, so every request it gets is queued and forwarded to B over the peer listener. Ready when a probe
/// request through A has come back 200, i.e. A's directory view shows B's offer.
/// </summary>
internal sealed class ClusterReplicas : IAsyncDisposable
{
    public const string ServingId = "bench-b";

    public const string ForwardingId = "bench-a";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresServer _database;

    private ClusterReplicas(PostgresServer database, RelayProcesses serving, RelayProcesses forwarding)
    {
        _database = database;
        Serving = serving;
        Forwarding = forwarding;
    }

    /// <summary>Replica B: proxy and worker.</summary>
    public RelayProcesses Serving { get; }

    /// <summary>Replica A: proxy only.</summary>
    public RelayProcesses Forwarding { get; }

    /// <summary>Every process a cell depends on, for CPU accounting and the "still alive" check.</summary>
    public IReadOnlyList<ChildProcess> Processes => [Forwarding.Proxy, Serving.Proxy, Serving.Worker!];

    public static async Task<ClusterReplicas> StartAsync(
        PublishedPrograms programs, Uri backend, HttpClient http, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var database = await PostgresServer.StartNewAsync().ConfigureAwait(false);
        RelayProcesses? serving = null;
        try
        {
            var url = database.Url(await database.CreateDatabaseAsync("bench").ConfigureAwait(false));
            var secret = "peer-" + Guid.NewGuid().ToString("N");
            serving = await RelayProcesses.StartWithProxyArgumentsAsync(
                programs, backend, http, environment, ReplicaArguments(ServingId, url, secret), cancellationToken).ConfigureAwait(false);
            var forwarding = await RelayProcesses.StartWithProxyArgumentsAsync(
                programs, null, http, environment, ReplicaArguments(ForwardingId, url, secret), cancellationToken).ConfigureAwait(false);
            var replicas = new ClusterReplicas(database, serving, forwarding);
            try
            {
                await replicas.ProbeAsync(http, cancellationToken).ConfigureAwait(false);
                return replicas;
            }
            catch
            {
                await forwarding.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            if (serving is not null)
            {
                await serving.DisposeAsync().ConfigureAwait(false);
            }

            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops A first (it forwards to B), then B, then the database.</summary>
    public async ValueTask DisposeAsync()
    {
        await Forwarding.DisposeAsync().ConfigureAwait(false);
        await Serving.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    private static string[] ReplicaArguments(string replicaId, string databaseUrl, string secret)
    {
        var peerPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        return
        [
            "--database-url", databaseUrl,
            "--peer-listen", $"127.0.0.1:{peerPort}",
            "--peer-url", $"http://127.0.0.1:{peerPort}",
            "--peer-secret", secret,
            "--replica-id", replicaId,
        ];
    }

    // A request through A waits in A's queue until A's view of the directory shows B's free slots, then is forwarded.
    private async Task ProbeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ProbeTimeout);
        var endpoint = new Uri(Forwarding.ProxyAddress, "/v1/chat/completions");
        try
        {
            using var request = Workload.Chat.CreateRequest(endpoint, Workload.Chat.Body(RelayProcesses.Model));
            using var response = await http.SendAsync(request, bounded.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(bounded.Token).ConfigureAwait(false);
                throw Forwarding.Proxy.Failure($"answered the forwarding probe with HTTP {(int)response.StatusCode} {body.Trim()}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Forwarding.Proxy.Failure($"did not forward a probe request to replica {ServingId} within {ProbeTimeout.TotalSeconds:0} s");
        }
    }
}
