namespace RxRelay.Proxy.Cluster;

/// <summary>
/// Cluster mode (issue 14): several proxy replicas behind one load balancer, sharing a replica directory in
/// the PostgreSQL database of <c>--database-url</c>. Off unless <see cref="PeerListen"/> is set; then the
/// proxy behaves exactly as a single replica. Read by <see cref="ClusterOptionDefinitions"/>, never mutated.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>Shortest accepted <see cref="PeerSecret"/>, in characters.</summary>
    public const int MinPeerSecretLength = 16;

    /// <summary>Longest accepted <see cref="ReplicaId"/>, in characters (a NOTIFY payload and a log field).</summary>
    public const int MaxReplicaIdLength = 200;

    /// <summary>
    /// Private <c>ip:port</c> where peers reach this replica (<c>--peer-listen</c> / <c>RXRELAY_PEER_LISTEN</c>);
    /// null (the default) = single replica mode.
    /// </summary>
    public string? PeerListen { get; init; }

    /// <summary>The <c>http(s)://</c> URL peers use to reach <see cref="PeerListen"/> (<c>--peer-url</c> / <c>RXRELAY_PEER_URL</c>).</summary>
    public string? PeerUrl { get; init; }

    /// <summary>Shared secret every peer call carries (<c>--peer-secret</c> / <c>RXRELAY_PEER_SECRET</c>), at least <see cref="MinPeerSecretLength"/> characters.</summary>
    public string? PeerSecret { get; init; }

    /// <summary>This replica's directory key (<c>--replica-id</c> / <c>RXRELAY_REPLICA_ID</c>); null = the host name.</summary>
    public string? ReplicaId { get; init; }

    /// <summary>
    /// Whether answers served by a worker carry <c>x-rxrelay-served-by: &lt;replica id&gt;</c>, the replica whose
    /// worker ran the request (<c>--served-by-header on|off</c> / <c>RXRELAY_SERVED_BY_HEADER</c>) [default: off].
    /// </summary>
    public bool ServedByHeader { get; init; }

    /// <summary>True when <see cref="PeerListen"/> is set.</summary>
    public bool IsEnabled => PeerListen is not null;

    /// <summary><see cref="ReplicaId"/>, or the host name when it is not set.</summary>
    public string EffectiveReplicaId => ReplicaId ?? Environment.MachineName;

    /// <summary>Prints every member but the secret, so a logged options object never carries it.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"PeerListen = {PeerListen}, PeerUrl = {PeerUrl}, PeerSecret = {(PeerSecret is null ? "" : "***")}, ReplicaId = {ReplicaId}, ServedByHeader = {ServedByHeader}");
        return true;
    }

    /// <summary>What is wrong with the cluster options as a whole, one line each (empty when nothing).</summary>
    /// <param name="hasDatabase">Whether <c>--database-url</c> is set.</param>
    /// <param name="listen">The client API address (<c>--listen</c>), which the peer listener must not share.</param>
    public IReadOnlyList<string> Errors(bool hasDatabase, string listen)
    {
        var errors = new List<string>();
        if (PeerListen is not { } peerListen)
        {
            Orphan(PeerUrl, "--peer-url / RXRELAY_PEER_URL");
            Orphan(PeerSecret, "--peer-secret / RXRELAY_PEER_SECRET");
            Orphan(ReplicaId, "--replica-id / RXRELAY_REPLICA_ID");
            Orphan(ServedByHeader ? "on" : null, "--served-by-header / RXRELAY_SERVED_BY_HEADER");
            return errors;
        }

        if (!hasDatabase)
        {
            errors.Add("error: cluster mode (--peer-listen / RXRELAY_PEER_LISTEN) needs --database-url / DATABASE_URL: the replica directory lives in PostgreSQL");
        }

        if (PeerUrl is null)
        {
            errors.Add("error: --peer-listen / RXRELAY_PEER_LISTEN needs --peer-url / RXRELAY_PEER_URL (the URL peers reach this replica at)");
        }

        if (PeerSecret is null)
        {
            errors.Add("error: --peer-listen / RXRELAY_PEER_LISTEN needs --peer-secret / RXRELAY_PEER_SECRET (shared by every replica)");
        }

        if (string.Equals(peerListen, listen, StringComparison.OrdinalIgnoreCase) && !peerListen.EndsWith(":0", StringComparison.Ordinal))
        {
            errors.Add($"error: --peer-listen / RXRELAY_PEER_LISTEN ('{peerListen}') must differ from --listen / LISTEN_ADDR");
        }

        return errors;

        void Orphan(string? value, string name)
        {
            if (value is not null)
            {
                errors.Add($"error: {name} applies only in cluster mode: set --peer-listen / RXRELAY_PEER_LISTEN too");
            }
        }
    }
}
